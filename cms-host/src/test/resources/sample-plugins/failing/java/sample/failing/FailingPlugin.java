package sample.failing;

import sample.probe.Probe;
import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** A plugin whose start fails after it contributed a resource and a listener. */
public final class FailingPlugin implements Plugin {

    @Override
    public String id() {
        return "failing";
    }

    @Override
    public void start(PluginContext context) {
        context.addResource(new FailingResource());
        context.addEventListener(event -> {
            Probe.record("failing heard " + event.name());
            return 5;
        });
        throw new IllegalStateException("cannot reach the failing plugin's database");
    }

    @Override
    public void close() {
        Probe.record("closed failing");
    }

    @Path("api/failing")
    public static final class FailingResource {
        @GET
        public String get() {
            return "should not be served";
        }
    }
}
