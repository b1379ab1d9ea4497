package io.consolecms.host.plugins;

import static io.consolecms.host.RunningHost.ADMIN;
import static io.consolecms.host.RunningHost.CORE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consolecms.host.RunningHost;
import io.consolecms.plugin.CollectionDefinition;
import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;
import java.net.URLClassLoader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A host with a folder of real plugin jars: one good, one failing at start, one with a bad path, and odd ones. */
class PluginLoadingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;
    static RunningHost host;

    @BeforeAll
    static void start() throws Exception {
        PluginProbe.clear();
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        PluginJarBuilder.build("greeting", plugins.resolve("a-greeting.jar"), "1.2.3");
        PluginJarBuilder.build("failing", plugins.resolve("b-failing.jar"), "0.0.1");
        PluginJarBuilder.build("badpath", plugins.resolve("c-badpath.jar"), "0.0.2");
        PluginJarBuilder.build("duplicate", plugins.resolve("d-duplicate.jar"), "9.9.9");
        PluginJarBuilder.build("empty", plugins.resolve("e-empty.jar"), "0.0.3");
        Files.writeString(plugins.resolve("f-broken.jar"), "not a zip");
        Files.writeString(plugins.resolve("notes.txt"), "not a jar, not a plugin");
        Map<String, String> env = RunningHost.environment(home);
        env.put("CMS_GREETING_GREETING", "bonjour");
        host = RunningHost.start(env, new BuiltInPlugin());
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @Test
    void listsEveryPluginInStartOrderWithItsStateAndReason() throws Exception {
        HttpResponse<String> response = host.get("/api/plugins", ADMIN);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode plugins = JSON.readTree(response.body());
        assertThat(plugins).extracting(p -> p.get("id").asText() + " " + p.get("state").asText())
                .containsExactly("builtin STARTED", "greeting STARTED", "failing FAILED", "badpath FAILED",
                        "greeting FAILED", "e-empty FAILED", "f-broken FAILED");
        assertThat(plugins.get(1).get("version").asText()).isEqualTo("1.2.3");
        assertThat(plugins.get(1).has("reason")).isFalse();
        assertThat(plugins.get(1).fieldNames()).toIterable().containsExactly("id", "version", "state");
        assertThat(plugins.get(2).get("reason").asText()).isEqualTo("cannot reach the failing plugin's database");
        assertThat(plugins.get(3).get("reason").asText()).contains("/api/events/hijack");
        assertThat(plugins.get(4).get("reason").asText()).contains("duplicate plugin id 'greeting'");
        assertThat(plugins.get(5).get("reason").asText()).contains("names no io.consolecms.plugin.Plugin");
    }

    @Test
    void discoversAJarPluginThroughItsOwnClassLoader() {
        InstalledPlugin greeting = host.host().plugins().get(1);

        ClassLoader loader = greeting.plugin().getClass().getClassLoader();
        assertThat(loader).isInstanceOf(URLClassLoader.class);
        // the host's loader through a filter: the plugin sees only what the host exposes (PluginIsolationTest)
        assertThat(loader.getParent()).isInstanceOf(ExposedPackagesLoader.class);
        assertThat(host.get("/api/greetings", ADMIN).body()).isEqualTo("bonjour from plugin:a-greeting.jar");
    }

    @Test
    void servesAPluginResourceOnlyWithTheAdminToken() {
        assertThat(host.get("/api/greetings", null).statusCode()).isEqualTo(401);
        assertThat(host.get("/api/greetings", CORE).statusCode()).isEqualTo(403);
    }

    @Test
    void aFailedPluginLeavesTheHostHealthyAndKeepsNoneOfItsContributions() throws Exception {
        assertThat(host.get("/health", null).statusCode()).isEqualTo(200);
        assertThat(host.get("/api/failing", ADMIN).statusCode()).isEqualTo(404);
        assertThat(PluginProbe.records()).contains("closed failing", "closed badpath", "closed duplicate")
                .doesNotContain("duplicate started");

        var result = host.host().events().publish(
                "{\"eventName\":\"tag_created\",\"eventTimestamp\":1,\"payload\":{}}".getBytes(StandardCharsets.UTF_8));

        assertThat(result.deliveries()).isEqualTo(2);
        assertThat(PluginProbe.records()).contains("greeting heard tag_created").doesNotContain("failing heard tag_created");
    }

    @Test
    void listsTheCollectionsOfStartedPluginsInContributionOrder() throws Exception {
        JsonNode collections = JSON.readTree(host.get("/api/collections", ADMIN).body());

        assertThat(collections).extracting(c -> c.get("name").asText()).containsExactly("greetings", "farewells");
        JsonNode greetings = collections.get(0);
        assertThat(greetings.get("plugin").asText()).isEqualTo("greeting");
        assertThat(greetings.get("category").asText()).isEqualTo("Samples");
        assertThat(greetings.get("label").asText()).isEqualTo("Greetings");
        assertThat(greetings.get("path").asText()).isEqualTo("/api/greetings");
        assertThat(greetings.get("uiModule").asText()).isEqualTo("/plugins/greeting/ui.js");
        assertThat(collections.get(1).get("uiModule").isNull()).isTrue();
        JsonNode secret = greetings.get("fields").get(1);
        assertThat(secret.get("name").asText()).isEqualTo("secret");
        assertThat(secret.get("type").asText()).isEqualTo("STRING");
        assertThat(secret.get("secret").asBoolean()).isTrue();
        assertThat(secret.get("required").asBoolean()).isFalse();
        assertThat(secret.get("help").asText()).isEqualTo("never shown");
        assertThat(secret.get("maxLength").asInt()).isEqualTo(256);
        assertThat(secret.has("pattern")).isTrue();
        assertThat(greetings.get("fields").get(0).get("listed").asBoolean()).isTrue();
    }

    @Test
    void servesAPluginsUiAssetsWithoutATokenAndWithTheirContentType() {
        HttpResponse<String> js = host.get("/plugins/greeting/ui.js", null);
        HttpResponse<String> css = host.get("/plugins/greeting/css/style.css", null);

        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(js.body()).contains("export const greeting");
        assertThat(css.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
    }

    @Test
    void servesTheAdminUiAndPluginAssetsWithTheBrowserHardeningHeaders() {
        for (String path : List.of("/", "/index.html", "/app.js", "/plugins/greeting/ui.js",
                "/plugins/greeting/css/style.css", "/plugins/greeting/missing.js")) {
            HttpResponse<String> response = host.get(path, null);

            assertThat(response.headers().allValues("Content-Security-Policy")).as(path)
                    .containsExactly("default-src 'self'; frame-ancestors 'none'");
            assertThat(response.headers().allValues("X-Frame-Options")).as(path).containsExactly("DENY");
            assertThat(response.headers().allValues("X-Content-Type-Options")).as(path).containsExactly("nosniff");
            assertThat(response.headers().allValues("Referrer-Policy")).as(path).containsExactly("no-referrer");
        }
        assertThat(host.get("/", null).body()).contains("<script type=\"module\" src=\"app.js\">");
    }

    @Test
    void servesNothingOutsideAPluginsUiFolder() {
        assertThat(host.get("/plugins/greeting/../secret.txt", null).statusCode()).isEqualTo(400);
        assertThat(host.get("/plugins/greeting/%2e%2e/secret.txt", null).statusCode()).isEqualTo(400);
        assertThat(host.get("/plugins/greeting/..%2fsecret.txt", null).statusCode()).isIn(400, 404);
        assertThat(host.get("/plugins/greeting/css", null).statusCode()).isEqualTo(404);
        assertThat(host.get("/plugins/greeting/missing.js", null).statusCode()).isEqualTo(404);
        assertThat(host.get("/plugins/failing/anything.js", null).statusCode()).isEqualTo(404);
        assertThat(host.get("/plugins/greeting/index.html", null).statusCode()).isEqualTo(404);
    }

    @Test
    void refusesContributionsAfterStart() {
        PluginContext context = (PluginContext) PluginProbe.kept("greeting");

        assertThatThrownBy(() -> context.addCollection(new CollectionDefinition("late", "Samples", "Late",
                "/api/late", List.of(), null))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> context.addEventListener(event -> 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> context.addUiAssets("x")).isInstanceOf(IllegalStateException.class);
        assertThat(context.settings().get("greeting")).contains("bonjour");
    }

    @Test
    void mapsMalformedJsonAndUnexpectedErrorsOfPluginResources() throws Exception {
        HttpResponse<String> malformed = host.postJson("/api/greetings", "{\"name\":", ADMIN);
        HttpResponse<String> boom = host.get("/api/greetings/boom", ADMIN);

        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(malformed.body()).get("errors").get(0).get("field").asText()).isEqualTo("body");
        assertThat(boom.statusCode()).isEqualTo(500);
        JsonNode error = JSON.readTree(boom.body()).get("errors").get(0);
        assertThat(error.get("message").asText()).isEqualTo("internal error");
        assertThat(error.get("errorId").asText()).isNotBlank();
        assertThat(boom.body()).doesNotContain("secret detail").doesNotContain("IllegalStateException");
        assertThat(host.postJson("/api/greetings", "{\"name\":\"x\"}", ADMIN).body()).isEqualTo("{\"name\":\"x\"}");
    }

    @Test
    void answersUndecodableBodiesOfPluginResourcesWith400NamingTheBody() throws Exception {
        for (byte[] body : new byte[][] {{0, 0, 0, '{', 0, 0},
                {0, 0, 0, '{', 0, 0, 0, '"', 0, 0x11, 0, 0, 0, 0, 0, '"', 0, 0, 0, '}'}}) {
            HttpResponse<String> response = host.send(host.request("/api/greetings", ADMIN)
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build());

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).at("/errors/0/field").asText()).isEqualTo("body");
        }
    }

    /** A plugin of the host's class path, started before the jars and so closed after them. */
    static final class BuiltInPlugin implements Plugin {
        @Override
        public String id() {
            return "builtin";
        }

        @Override
        public void start(PluginContext context) {
        }

        @Override
        public void close() {
            PluginProbe.record("closed builtin");
        }
    }
}
