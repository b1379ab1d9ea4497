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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of the built jars after a known sequence of deliveries: what a Prometheus server would scrape.
 * Retries come 2 s apart, then an hour, so that a delivery that keeps failing stays pending for the scrape; two
 * failures in a row open a target's circuit breaker, so that the failing receiver's is open at the scrape.
 */
class MetricsIT {

    private static final String METRICS_TOKEN = "metrics-token-for-the-it-0123456789";

    @TempDir
    Path tmp;

    @Test
    void countsOutcomesAttemptsEventsAndTheBacklogAsTheDeliveriesWent() throws Exception {
        try (Receiver ok = Receiver.start(null);
             Receiver gone = Receiver.start(null).answer(410);
             Receiver flaky = Receiver.start(null).answer(503);
             Receiver failing = Receiver.start(null).answer(500);
             HostProcess host = HostProcess.withWebhooksPlugin(tmp).env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                     .env("CMS_WEBHOOKS_RETRY_SCHEDULE", "2s,1h").env("CMS_METRICS_TOKEN", METRICS_TOKEN)
                     .env("CMS_WEBHOOKS_BREAKER_FAILURES", "2")) {
            host.start();
            Api api = host.api();
            String succeeding = webhook(api, "project_created", ok);
            String goneWebhook = webhook(api, "service_created", gone);
            String retried = webhook(api, "tag_created", flaky);
            String pending = webhook(api, "configuration_saved", failing);

            for (int i = 0; i < 3; i++) {
                publish(api, "project_created");
            }
            publish(api, "service_created");
            publish(api, "tag_created");
            await().atMost(Duration.ofSeconds(30)).until(() -> flaky.requests().size() == 1);
            flaky.answer(200);
            publish(api, "configuration_saved");

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(statuses(api, succeeding)).isEqualTo("succeeded,succeeded,succeeded");
                assertThat(statuses(api, goneWebhook)).isEqualTo("failed");
                assertThat(statuses(api, retried)).isEqualTo("succeeded");
                JsonNode waiting = api.get("/api/webhooks/" + pending + "/deliveries").json();
                assertThat(waiting.get(0).get("status").asText()).isEqualTo("pending");
                assertThat(waiting.get(0).get("attempts").asInt()).isEqualTo(2);
            });

            // 3 + 1 succeeded; 1 gone (410); retried: the flaky receiver's 503, the failing one's 500 twice, which
            // opened its target's breaker (the others never failed twice in a row)
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                String scrape = scrape(host, METRICS_TOKEN);
                assertThat(value(scrape, "webhook_deliveries_total{outcome=\"succeeded\"}")).isEqualTo(4);
                assertThat(value(scrape, "webhook_deliveries_total{outcome=\"failed\"}")).isEqualTo(1);
                assertThat(value(scrape, "webhook_deliveries_total{outcome=\"retried\"}")).isEqualTo(3);
                assertThat(value(scrape, "webhook_attempt_duration_seconds_count")).isEqualTo(8);
                assertThat(value(scrape, "webhook_attempt_duration_seconds_bucket{le=\"+Inf\"}")).isEqualTo(8);
                assertThat(value(scrape, "webhook_attempt_duration_seconds_sum")).isPositive().isLessThan(60);
                assertThat(value(scrape, "webhook_deliveries_pending")).isEqualTo(1);
                assertThat(value(scrape, "webhook_oldest_pending_age_seconds")).isGreaterThanOrEqualTo(2)
                        .isLessThan(300);
                assertThat(value(scrape, "webhook_circuit_open_targets")).isEqualTo(1);
                assertThat(value(scrape, "console_events_received_total{event_name=\"project_created\"}"))
                        .isEqualTo(3);
                assertThat(value(scrape, "console_events_received_total{event_name=\"service_created\"}"))
                        .isEqualTo(1);
                assertThat(value(scrape, "console_events_received_total{event_name=\"tag_created\"}")).isEqualTo(1);
                assertThat(scrape).contains("# TYPE webhook_attempt_duration_seconds histogram",
                        "# TYPE webhook_deliveries_pending gauge", "# TYPE webhook_circuit_open_targets gauge",
                        "# TYPE webhook_claimed_deliveries_total counter",
                        "jvm_memory_used_bytes", "jvm_gc_",
                        "hikaricp_connections_active{pool=\"cms-db\"}", "jetty_threads_busy",
                        "jetty_server_requests_seconds_count{");
            });
        }
    }

    @Test
    void answers401ToAMissingOrWrongTokenAndTheAdministratorsTokenReadsIt() throws Exception {
        try (HostProcess host = HostProcess.withWebhooksPlugin(tmp)) {
            host.start();
            Api api = host.api();
            for (String token : new String[] {null, "a-token-this-host-never-issued", host.coreToken()}) {
                Reply reply = api.send("GET", "/metrics", null, token);
                assertThat(reply.status()).as("token %s", token == null ? "none" : "wrong").isEqualTo(401);
                assertThat(reply.text()).contains("errors").doesNotContain("jvm_");
            }
            String scrape = scrape(host, host.adminToken());
            assertThat(value(scrape, "webhook_deliveries_pending")).isZero();
            assertThat(value(scrape, "webhook_circuit_open_targets")).isZero();
            assertThat(value(scrape, "webhook_deliveries_total{outcome=\"succeeded\"}")).isZero();
        }
    }

    private static String webhook(Api api, String eventName, Receiver receiver) {
        return create(api, "{\"eventName\":\"" + eventName + "\",\"target\":\"" + receiver.url("/" + eventName)
                + "\"}");
    }

    private static void publish(Api api, String eventName) {
        Reply reply = api.publish("{\"eventName\":\"" + eventName + "\",\"eventTimestamp\":1732780800000,"
                + "\"payload\":{\"tenantId\":\"acme\",\"projectId\":\"p1\"}}");
        assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
        assertThat(reply.json().get("deliveries").asInt()).isEqualTo(1);
    }

    private static String statuses(Api api, String webhook) {
        StringBuilder statuses = new StringBuilder();
        api.get("/api/webhooks/" + webhook + "/deliveries").json().forEach(delivery ->
                statuses.append(statuses.isEmpty() ? "" : ",").append(delivery.get("status").asText()));
        return statuses.toString();
    }

    private static String scrape(HostProcess host, String token) throws Exception {
        Reply reply = host.api().send("GET", "/metrics", null, token);
        assertThat(reply.status()).isEqualTo(200);
        return reply.text();
    }

    /** The value of one series, read as Prometheus reads the text format. */
    private static double value(String scrape, String series) {
        Matcher line = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        assertThat(line.find()).as("%s in the scrape", series).isTrue();
        return Double.parseDouble(line.group(1));
    }
}
