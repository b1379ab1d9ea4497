package io.consolecms.it.webhooks;

import static io.consolecms.it.webhooks.WebhooksLifecycleIT.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.consolecms.it.Api;
import io.consolecms.it.Api.Reply;
import io.consolecms.it.HostProcess;
import io.consolecms.it.HungTarget;
import io.consolecms.it.Receiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target that keeps failing gets its circuit breaker opened: attempts to it stop (its deliveries wait with their
 * attempts unspent, however short the retry schedule), one probe after the cool-down decides, a failed probe opens it
 * again, a successful one closes it and everything that waited is delivered. Through the built jars, with a receiver
 * that answers 500 and then 200, and with a target that hangs.
 */
class CircuitBreakerIT {

    private static final int EVENTS = 5;

    @TempDir
    Path tmp;

    private static HostProcess host(Path tmp) throws Exception {
        return HostProcess.withWebhooksPlugin(tmp)
                .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                .env("CMS_WEBHOOKS_BREAKER_FAILURES", "3")
                .env("CMS_WEBHOOKS_BREAKER_COOLDOWN", "5s")
                // without the breaker, 300 ms between attempts would spend them all within seconds
                .env("CMS_WEBHOOKS_RETRY_SCHEDULE", String.join(",", java.util.Collections.nCopies(30, "300ms")));
    }

    @Test
    void aFailingTargetsBreakerOpensPausesItsDeliveriesAndClosesAfterASuccessfulProbe() throws Exception {
        try (Receiver receiver = Receiver.start(null).answer(500); HostProcess host = host(tmp)) {
            host.start();
            Api api = host.api();
            String webhook = create(api, "{\"eventName\":\"tag_created\",\"target\":\"" + receiver.url("/flaky")
                    + "\"}");
            assertThat(health(api, webhook)).isEqualTo("healthy");

            for (int i = 0; i < EVENTS; i++) {
                Reply reply = api.publish("{\"eventName\":\"tag_created\",\"eventTimestamp\":" + i
                        + ",\"payload\":{\"tenantId\":\"acme\",\"projectId\":\"p1\",\"tagName\":\"v" + i + "\"}}");
                assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
            }

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> health(api, webhook).equals("open"));
            // attempts that were under way when it opened finish and are recorded
            await().atMost(Duration.ofSeconds(3))
                    .until(() -> totalAttempts(api, webhook) == receiver.requests().size());
            int atOpen = receiver.requests().size();
            assertThat(atOpen).as("the three failures in a row that opened it, and attempts already under way")
                    .isBetween(3, 2 * EVENTS);
            // open: nothing reaches the target and no attempt is spent, though retries fall due every 300 ms
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofMillis(2000))
                    .until(() -> receiver.requests().size() == atOpen && totalAttempts(api, webhook) == atOpen);
            assertThat(pending(api, webhook)).as("paused deliveries stay pending").isEqualTo(EVENTS);

            // the cool-down ends: one probe, which fails and opens the breaker again, for twice as long
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests().size() == atOpen + 1);
            await().atMost(Duration.ofSeconds(3)).until(() -> health(api, webhook).equals("open"));
            await().during(Duration.ofMillis(2000)).atMost(Duration.ofMillis(2500))
                    .until(() -> receiver.requests().size() == atOpen + 1);

            // the target recovers, slowly enough that the probe can be seen deciding
            receiver.delay(Duration.ofMillis(1500)).answer(200);
            await().atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(50))
                    .until(() -> health(api, webhook).equals("probing"));
            await().atMost(Duration.ofSeconds(10)).until(() -> health(api, webhook).equals("healthy"));
            receiver.delay(Duration.ZERO);
            await().atMost(Duration.ofSeconds(15)).until(() -> succeeded(api, webhook) == EVENTS);

            List<Receiver.Request> requests = receiver.requests();
            assertThat(requests).as("what opened it, one failed probe, then each delivery once")
                    .hasSize(atOpen + 1 + EVENTS);
            assertThat(totalAttempts(api, webhook)).as("every attempt made reached the target")
                    .isEqualTo(requests.size());
            assertThat(api.get("/api/webhooks/" + webhook + "/deliveries?status=failed").json()).isEmpty();
            assertThat(host.logText()).contains("failed 3 attempts in a row");
        }
    }

    @Test
    void aHungTargetsTimeoutsOpenItsBreakerSoNoMoreConnectionsAreTiedUp() throws Exception {
        try (HungTarget hung = HungTarget.start();
             HostProcess host = host(tmp).env("CMS_WEBHOOKS_TIMEOUT", "1s")
                     .env("CMS_WEBHOOKS_BREAKER_COOLDOWN", "1m")) {
            host.start();
            Api api = host.api();
            String webhook = create(api, "{\"eventName\":\"tag_created\",\"target\":\"" + hung.url("/hangs") + "\"}");
            for (int i = 0; i < 20; i++) {
                assertThat(api.publish("{\"eventName\":\"tag_created\",\"eventTimestamp\":" + i
                        + ",\"payload\":{\"tenantId\":\"acme\",\"tagName\":\"v" + i + "\"}}").status()).isEqualTo(202);
            }

            await().atMost(Duration.ofSeconds(15)).until(() -> health(api, webhook).equals("open"));
            // the attempts under way when it opened time out; then no connection is made any more
            await().atMost(Duration.ofSeconds(15)).until(() -> hung.open() == 0);
            int accepted = hung.accepted();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> hung.accepted() == accepted && hung.open() == 0);
            assertThat(pending(api, webhook)).isEqualTo(20);
            JsonNode listed = api.get("/api/webhooks/?_l=10").json();
            assertThat(listed.findValuesAsText("targetHealth")).containsExactly("open");
        }
    }

    static String health(Api api, String webhook) {
        return api.get("/api/webhooks/" + webhook).json().path("targetHealth").asText();
    }

    private static List<JsonNode> deliveries(Api api, String webhook) {
        List<JsonNode> all = new ArrayList<>();
        api.get("/api/webhooks/" + webhook + "/deliveries?_l=200").json().forEach(all::add);
        return all;
    }

    private static int totalAttempts(Api api, String webhook) {
        return deliveries(api, webhook).stream().mapToInt(delivery -> delivery.path("attempts").asInt()).sum();
    }

    private static long pending(Api api, String webhook) {
        return deliveries(api, webhook).stream().filter(d -> d.path("status").asText().equals("pending")).count();
    }

    private static long succeeded(Api api, String webhook) {
        return deliveries(api, webhook).stream().filter(d -> d.path("status").asText().equals("succeeded")).count();
    }
}
