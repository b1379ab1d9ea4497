package io.consolecms.it.webhooks;

import static io.consolecms.it.webhooks.WebhooksLifecycleIT.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.consolecms.it.Api;
import io.consolecms.it.Api.Reply;
import io.consolecms.it.HostProcess;
import io.consolecms.it.Receiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host restarted with another {@code CMS_SECRET_KEY} than the one that sealed its webhooks' secrets says so in one
 * log line at start, sends nothing for those webhooks, and shows their documents with the undecryptable values named,
 * never an internal marker.
 */
class WrongKeyIT {

    private static final String KEY = "a2V5LXRoYXQtc2VhbGVkLXRoZS1zZWNyZXRzLTMyYiE=";
    private static final String OTHER_KEY = "YW5vdGhlci1rZXktdGhhdC1vcGVucy1ub3RoaW5nISE=";
    private static final String SECRET = "wrong-key-test-secret";
    private static final String PROXY_PASSWORD = "wrong-key-proxy-password";

    @TempDir
    Path tmp;

    @Test
    void theHostSaysSoInOneLineAndSendsNothing() throws Exception {
        try (Receiver receiver = Receiver.start(SECRET);
             HostProcess host = HostProcess.withWebhooksPlugin(tmp)
                     .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                     .env("CMS_WEBHOOKS_RETRY_SCHEDULE", "")
                     .env("CMS_SECRET_KEY", KEY)) {
            host.start();
            String signed = create(host.api(), "{\"eventName\":\"project_created\",\"target\":\""
                    + receiver.url("/signed") + "\",\"secret\":\"" + SECRET + "\"}");
            String proxied = create(host.api(), "{\"eventName\":\"project_created\",\"target\":\""
                    + receiver.url("/proxied") + "\",\"proxy\":{\"url\":\"http://user:" + PROXY_PASSWORD
                    + "@127.0.0.1:9\"}}");
            assertThat(host.stop()).isZero();

            host.env("CMS_SECRET_KEY", OTHER_KEY).start();
            Api api = host.api();

            List<String> wrongKeyLines = host.logText().lines().filter(line -> line.contains("wrong key")).toList();
            assertThat(wrongKeyLines).hasSize(1);
            assertThat(wrongKeyLines.get(0)).contains("ERROR", "2 webhooks", "CMS_SECRET_KEY");

            JsonNode signedDocument = api.get("/api/webhooks/" + signed).json();
            assertThat(signedDocument.get("hasSecret").asBoolean()).isTrue();
            assertThat(signedDocument.get("undecryptable")).extracting(JsonNode::asText).containsExactly("secret");
            Reply proxiedDocument = api.get("/api/webhooks/" + proxied);
            assertThat(proxiedDocument.json().has("proxy")).isFalse();
            assertThat(proxiedDocument.json().get("undecryptable")).extracting(JsonNode::asText)
                    .containsExactly("proxy.url");
            assertThat(api.get("/api/webhooks/").text()).doesNotContain("\\u0000", "unreadable", "enc:v1:");

            Reply published = api.publish("{\"eventName\":\"project_created\",\"eventTimestamp\":1732780800000,"
                    + "\"payload\":{\"tenantId\":\"acme\"}}");
            assertThat(published.status()).isEqualTo(202);
            for (String webhook : List.of(signed, proxied)) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    JsonNode deliveries = api.get("/api/webhooks/" + webhook + "/deliveries").json();
                    assertThat(deliveries).hasSize(1);
                    assertThat(deliveries.get(0).get("status").asText()).isEqualTo("failed");
                    assertThat(deliveries.get(0).get("lastError").asText())
                            .contains("cannot be decrypted with the configured CMS_SECRET_KEY");
                });
            }
            Reply test = api.post("/api/webhooks/" + signed + "/test", "");
            assertThat(test.status()).isEqualTo(200);
            assertThat(test.json().get("succeeded").asBoolean()).isFalse();
            assertThat(test.json().get("error").asText()).contains("cannot be decrypted");
            assertThat(receiver.requests()).isEmpty();

            String log = host.logText();
            assertThat(log).doesNotContain(SECRET, PROXY_PASSWORD, KEY, OTHER_KEY);
            assertThat(log.lines().filter(line -> line.contains(" ERROR ")).toList()).hasSize(1);
        }
    }
}
