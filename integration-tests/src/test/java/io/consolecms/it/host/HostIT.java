package io.consolecms.it.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.consolecms.it.Api;
import io.consolecms.it.HostProcess;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The built host jar as a process, with the webhooks plugin and a plugin that fails at start. */
class HostIT {

    private static final String EVENT =
            "{\"eventName\":\"project_created\",\"eventTimestamp\":1732780800000,\"payload\":{\"tenantId\":\"acme\"}}";

    @TempDir
    static Path parent;
    static HostProcess host;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        host = HostProcess.withWebhooksPlugin(parent);
        PluginJars.of(ThrowingPlugin.class, host.pluginsDir().resolve("throwing.jar"));
        host.start();
        api = host.api();
    }

    @AfterAll
    static void stop() throws Exception {
        host.close();
    }

    @Test
    void isHealthyWithoutAToken() {
        Api.Reply health = api.send("GET", "/health", null, null);

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
    }

    @Test
    void listsTheWebhooksPluginStartedAndTheThrowingOneFailedWithItsReason() {
        Api.Reply plugins = api.get("/api/plugins");

        assertThat(plugins.status()).isEqualTo(200);
        Map<String, JsonNode> byId = new HashMap<>();
        plugins.json().forEach(p -> byId.put(p.get("id").asText(), p));
        assertThat(byId.get("webhooks").get("state").asText()).isEqualTo("STARTED");
        assertThat(byId.get("webhooks").get("version").asText()).isNotBlank();
        assertThat(byId.get("throwing").get("state").asText()).isEqualTo("FAILED");
        assertThat(byId.get("throwing").get("reason").asText()).isEqualTo(ThrowingPlugin.REASON);
    }

    @ParameterizedTest
    @CsvSource({"GET,/api/plugins", "GET,/api/collections", "POST,/api/events", "GET,/api/webhooks/",
            "GET,/api/webhooks/count", "POST,/api/webhooks/", "GET,/api/webhooks/events", "GET,/api/deliveries/x",
            "GET,/api/anything-else"})
    void everyApiEndpointAnswers401WithoutAToken(String method, String path) {
        Api.Reply reply = api.send(method, path, "POST".equals(method) ? EVENT : null, null);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().get("errors")).isNotEmpty();
    }

    @Test
    void theAdminTokenCannotPublishEvents() throws Exception {
        assertThat(api.send("POST", "/api/events", EVENT, host.adminToken()).status()).isEqualTo(403);
    }

    @Test
    void theCoreTokenPublishesEventsButCannotReadPlugins() throws Exception {
        assertThat(api.send("GET", "/api/plugins", null, host.coreToken()).status()).isEqualTo(403);
        Api.Reply published = api.publish(EVENT);
        assertThat(published.status()).isEqualTo(202);
        assertThat(published.json().get("eventId").asText()).matches("[0-9a-f]{24}");
    }

    @Test
    void logsWhereItListensAndWhereTheTokensAreButNeverTheirValues() throws Exception {
        String log = host.logText();

        assertThat(log).contains("listening on " + host.baseUri() + "/")
                .contains("admin token: " + host.dataDir().resolve("admin-token"))
                .contains("core token: " + host.dataDir().resolve("core-token"))
                .contains("plugin throwing 0.0.1-test FAILED: " + ThrowingPlugin.REASON)
                .doesNotContain(host.adminToken()).doesNotContain(host.coreToken());
    }

    @Test
    void servesTheAdminUi() {
        Api.Reply index = api.send("GET", "/", null, null);

        assertThat(index.status()).isEqualTo(200);
    }
}
