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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code CMS_WEBHOOKS_RETENTION} in the built jars: settled deliveries go, pending ones stay. */
class RetentionIT {

    @TempDir
    Path tmp;

    @Test
    void deletesASettledDeliveryPastTheRetentionAndKeepsAPendingOne() throws Exception {
        try (Receiver ok = Receiver.start(null);
             Receiver failing = Receiver.start(null).answer(500);
             HostProcess host = HostProcess.withWebhooksPlugin(tmp).env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                     .env("CMS_WEBHOOKS_RETENTION", "3s").env("CMS_WEBHOOKS_RETRY_SCHEDULE", "1h")) {
            host.start();
            Api api = host.api();
            String settled = create(api, "{\"eventName\":\"project_created\",\"target\":\"" + ok.url("/ok") + "\"}");
            String waiting = create(api, "{\"eventName\":\"service_created\",\"target\":\"" + failing.url("/no")
                    + "\"}");
            publish(api, "project_created");
            publish(api, "service_created");

            String succeededId = await().atMost(Duration.ofSeconds(30))
                    .until(() -> onlyDelivery(api, settled, "succeeded"), id -> id != null);
            String pendingId = await().atMost(Duration.ofSeconds(30))
                    .until(() -> onlyDelivery(api, waiting, "pending"), id -> id != null);
            await().atMost(Duration.ofSeconds(30)).until(() -> failing.requests().size() == 1);

            // 3 s of retention, then a sweep every 1.5 s
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    api.get("/api/deliveries/" + succeededId).status() == 404);
            assertThat(api.get("/api/webhooks/" + settled + "/deliveries").json()).isEmpty();
            // the sweep logs once its last batch is done, a moment after the commit that made the 404
            await().atMost(Duration.ofSeconds(10)).until(() -> host.logText()
                    .contains("Deleted 1 settled webhook deliveries with their attempts, and 1 events"));

            // the pending one outlives the retention and more sweeps, with its attempt
            Thread.sleep(5_000);
            JsonNode pending = api.get("/api/deliveries/" + pendingId).json();
            assertThat(pending.get("status").asText()).isEqualTo("pending");
            assertThat(pending.get("attempts")).hasSize(1);
            assertThat(pending.get("attempts").get(0).get("statusCode").asInt()).isEqualTo(500);
        }
    }

    private static void publish(Api api, String eventName) {
        Reply reply = api.publish("{\"eventName\":\"" + eventName + "\",\"eventTimestamp\":1732780800000,"
                + "\"payload\":{\"tenantId\":\"acme\"}}");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
    }

    /** The id of the webhook's one delivery when it has that status, else {@code null}. */
    private static String onlyDelivery(Api api, String webhook, String status) {
        JsonNode deliveries = api.get("/api/webhooks/" + webhook + "/deliveries").json();
        return deliveries.size() == 1 && deliveries.get(0).get("status").asText().equals(status)
                ? deliveries.get(0).get("_id").asText() : null;
    }
}
