package sample.greeting;

import sample.probe.Probe;
import io.consolecms.plugin.CollectionDefinition;
import io.consolecms.plugin.FieldDefinition;
import io.consolecms.plugin.FieldType;
import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;
import java.util.List;

/** A plugin that contributes one of everything. */
public final class GreetingPlugin implements Plugin {

    @Override
    public String id() {
        return "greeting";
    }

    @Override
    public void start(PluginContext context) {
        context.addCollection(new CollectionDefinition("greetings", "Samples", "Greetings", "/api/greetings",
                List.of(FieldDefinition.of("name", "Name", FieldType.STRING).asRequired().asListed(),
                        FieldDefinition.of("secret", "Secret", FieldType.STRING).asSecret().withHelp("never shown")
                                .withMaxLength(256)),
                "/plugins/greeting/ui.js"));
        context.addCollection(new CollectionDefinition("farewells", "Samples", "Farewells", "/api/greetings/bye",
                List.of(), null));
        context.addResource(new GreetingResource(context.settings().string("greeting", "hello")));
        context.addUiAssets("greeting-ui");
        // The host's own folder: the jar has none, so nothing may be served from it under this plugin.
        context.addUiAssets("admin-ui");
        context.addEventListener(event -> {
            Probe.record("greeting heard " + event.name());
            return 2;
        });
        Probe.keep("greeting", context);
    }

    @Override
    public void close() {
        Probe.record("closed greeting");
    }
}
