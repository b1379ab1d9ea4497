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
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The issue-3 journey, from the built jars: signed deliveries, the delivery log, and nothing lost to a SIGKILL. */
class DeliveryIT {

    private static final String EVENT = "{\"eventName\":\"project_created\",\"eventTimestamp\":1732780800000,"
            + "\"payload\":{\"tenantId\":\"acme\",\"projectId\":\"p1\"}}";

    @TempDir
    Path tmp;

    @Test
    void deliversTheExactEventSignedWithEveryHeaderAndLogsTheAttempt() throws Exception {
        try (Receiver receiver = Receiver.start("It's a Secret to Everybody");
             HostProcess host = HostProcess.withWebhooksPlugin(tmp).env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")) {
            host.start();
            Api api = host.api();
            String webhook = create(api, "{\"eventName\":\"project_created\",\"target\":\"" + receiver.url("/hook")
                    + "\",\"tenantId\":\"acme\",\"secret\":\"" + receiver.secret() + "\"}");
            long before = Instant.now().getEpochSecond();
            assertThat(api.publish(EVENT).status()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests().size() == 1);
            Receiver.Request request = receiver.requests().get(0);
            assertThat(request.bodyText()).isEqualTo(EVENT);
            assertThat(request.signatureValid()).isTrue();
            assertThat(request.header("Content-Type")).startsWith("application/json");
            assertThat(Long.parseLong(request.header("webhook-timestamp"))).isBetween(before - 1, before + 30);
            assertThat(request.header("User-Agent")).isNotBlank();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode deliveries = api.get("/api/webhooks/" + webhook + "/deliveries").json();
                assertThat(deliveries).hasSize(1);
                assertThat(deliveries.get(0).get("status").asText()).isEqualTo("succeeded");
            });
            String deliveryId = api.get("/api/webhooks/" + webhook + "/deliveries").json().get(0).get("_id").asText();
            assertThat(request.header("webhook-id")).isEqualTo(deliveryId);
            JsonNode delivery = api.get("/api/deliveries/" + deliveryId).json();
            assertThat(delivery.get("attempts")).hasSize(1);
            assertThat(delivery.get("attempts").get(0).get("statusCode").asInt()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode last = api.get("/api/webhooks/" + webhook).json().get("lastDelivery");
                assertThat(last.get("status").asText()).as("the delivery log's word").isEqualTo("succeeded");
                assertThat(last.get("statusCode").asInt()).isEqualTo(200);
                assertThat(last.get("eventName").asText()).isEqualTo("project_created");
            });

            assertThat(api.post("/api/deliveries/" + deliveryId + "/redeliver", "{}").status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.requests().size() == 2);
            assertThat(receiver.requests().get(1).header("webhook-id")).isEqualTo(deliveryId);
            assertThat(receiver.requests().get(1).body()).isEqualTo(request.body());

            Reply test = api.post("/api/webhooks/" + webhook + "/test", "{}");
            assertThat(test.status()).as(test.toString()).isEqualTo(200);
            assertThat(test.json().get("succeeded").asBoolean()).isTrue();
            assertThat(receiver.requests().get(2).bodyText()).contains("\"webhook_ping\"").contains(webhook);
            assertThat(receiver.requests().get(2).signatureValid()).isTrue();
        }
    }

    @Test
    void aLoopbackTargetIsNotConnectedToUnlessAllowedAndTheAttemptSaysWhy() throws Exception {
        try (Receiver receiver = Receiver.start(null);
             HostProcess host = HostProcess.withWebhooksPlugin(tmp).env("CMS_WEBHOOKS_RETRY_SCHEDULE", "1h")) {
            host.start();
            Api api = host.api();
            String webhook = create(api, "{\"eventName\":\"project_created\",\"target\":\"" + receiver.url("/") + "\"}");
            api.publish(EVENT);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                JsonNode deliveries = api.get("/api/webhooks/" + webhook + "/deliveries").json();
                assertThat(deliveries.get(0).get("attempts").asInt()).isEqualTo(1);
                assertThat(deliveries.get(0).get("lastError").asText()).contains("127.0.0.1").contains("not allowed");
            });
            assertThat(receiver.requests()).isEmpty();
        }
    }

    @Test
    void aHostKilledWithPendingDeliveriesDeliversEveryEventAfterRestart() throws Exception {
        int port = HostProcess.freePort();
        int events = 30;
        HostProcess host = HostProcess.withWebhooksPlugin(tmp)
                .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                .env("CMS_WEBHOOKS_TIMEOUT", "1s")
                .env("CMS_WEBHOOKS_RETRY_SCHEDULE", "1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s");
        try (host) {
            host.start();
            Api api = host.api();
            create(api, "{\"eventName\":\"tag_created\",\"target\":\"http://127.0.0.1:" + port + "/tags\"}");
            for (int i = 0; i < events; i++) {
                assertThat(api.publish("{\"eventName\":\"tag_created\",\"eventTimestamp\":" + i + ",\"payload\":"
                        + "{\"tenantId\":\"t\",\"projectId\":\"p\",\"tagName\":\"v" + i + "\"}}").status())
                        .isEqualTo(202);
            }
            host.kill();
            try (Receiver receiver = Receiver.start(port, null)) {
                host.start();
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                    Set<String> bodies = receiver.requests().stream().map(Receiver.Request::bodyText)
                            .collect(Collectors.toCollection(HashSet::new));
                    assertThat(bodies).hasSize(events);
                });
                Set<String> ids = receiver.requests().stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet());
                assertThat(ids).hasSize(events);
            }
        }
    }
}
