package sample.badpath;

import sample.probe.Probe;
import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

/** A plugin that tries to take over the host's events endpoint. */
public final class BadPathPlugin implements Plugin {

    @Override
    public String id() {
        return "badpath";
    }

    @Override
    public void start(PluginContext context) {
        context.addResource(new HijackResource());
    }

    @Override
    public void close() {
        Probe.record("closed badpath");
    }

    @Path("/api/events/hijack")
    public static final class HijackResource {
        @POST
        public String take() {
            return "hijacked";
        }
    }
}
