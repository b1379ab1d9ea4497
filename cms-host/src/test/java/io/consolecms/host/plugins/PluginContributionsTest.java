package io.consolecms.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.host.RunningHost;
import io.consolecms.plugin.CollectionDefinition;
import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginContributionsTest {

    @TempDir
    java.nio.file.Path home;

    @Test
    void aPluginThatTakesAnotherPluginsCollectionNameFailsAndTheFirstKeepsIt() {
        CollectionDefinition things = new CollectionDefinition("things", "Misc", "Things", "/api/things", List.of(),
                null);

        try (RunningHost host = RunningHost.start(home, new Contributing("first", c -> c.addCollection(things)),
                new Contributing("second", c -> c.addCollection(things)))) {
            List<InstalledPlugin> plugins = host.host().plugins();

            assertThat(plugins.get(0).state()).isEqualTo(PluginState.STARTED);
            assertThat(plugins.get(1).state()).isEqualTo(PluginState.FAILED);
            assertThat(plugins.get(1).reason()).isEqualTo("collection 'things' already exists (plugin first)");
        }
    }

    @Test
    void aPluginThatTakesAnotherPluginsPathFailsAndTheHostStillServesTheFirst() {
        try (RunningHost host = RunningHost.start(home, new Contributing("first", c -> c.addResource(new Things())),
                new Contributing("second", c -> c.addResource(new Things())))) {

            assertThat(host.host().plugins().get(1).reason()).isEqualTo("path 'api/things' is already served (plugin first)");
            assertThat(host.get("/api/things", RunningHost.ADMIN).body()).isEqualTo("things");
        }
    }

    @Test
    void aPluginsSettingsAreOnlyItsOwn() {
        var env = RunningHost.environment(home);
        env.put("CMS_FIRST_COLOUR", "blue");
        env.put("CMS_SECOND_COLOUR", "red");
        String[] seen = new String[2];

        try (RunningHost host = RunningHost.start(env, new Contributing("first", c -> {
            seen[0] = c.settings().string("colour", "none");
            seen[1] = c.settings().variable("colour");
        }))) {
            assertThat(seen).containsExactly("blue", "CMS_FIRST_COLOUR");
        }
    }

    @Test
    void aPluginWhoseResourceJerseyRefusesFailsAloneAndTheHostServes() {
        try (RunningHost host = RunningHost.start(home, new Contributing("first", c -> c.addResource(new Things())),
                new Contributing("ambiguous", c -> c.addResource(new Ambiguous())))) {

            assertThat(host.host().plugins().get(1).state()).isEqualTo(PluginState.FAILED);
            assertThat(host.host().plugins().get(1).reason()).startsWith("invalid resource: ");
            assertThat(host.get("/health", null).statusCode()).isEqualTo(200);
            assertThat(host.get("/api/things", RunningHost.ADMIN).body()).isEqualTo("things");
            assertThat(host.get("/api/ambiguous", RunningHost.ADMIN).statusCode()).isEqualTo(404);
        }
    }

    @Path("api/ambiguous")
    public static final class Ambiguous {
        @GET
        public String one() {
            return "one";
        }

        @GET
        public String two() {
            return "two";
        }
    }

    @Path("api/things")
    public static final class Things {
        @GET
        public String get() {
            return "things";
        }
    }

    private record Contributing(String id, Consumer<PluginContext> contributions) implements Plugin {
        @Override
        public void start(PluginContext context) {
            contributions.accept(context);
        }
    }
}
