package io.consolecms.it.webhooks;

import static io.consolecms.it.webhooks.WebhooksLifecycleIT.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consolecms.it.Api;
import io.consolecms.it.Api.Reply;
import io.consolecms.it.HostProcess;
import io.consolecms.it.HungTarget;
import io.consolecms.it.Receiver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One target that hangs must not hold up the others: per-target queues and per-target limits keep its thousand
 * deliveries from taking every worker, so a healthy target is served as promptly as if the hung one were not there.
 */
class HungTargetIT {

    private static final int HUNG_EVENTS = 1_000;
    private static final int HEALTHY_EVENTS = 20;
    private static final Pattern PROJECT = Pattern.compile("\"projectId\":\"(healthy-\\d+)\"");

    @TempDir
    Path tmp;

    @Test
    void aHealthyTargetIsServedWhileAnotherHangs() throws Exception {
        try (HungTarget hung = HungTarget.start();
             Receiver healthy = Receiver.start(null);
             HostProcess host = HostProcess.withWebhooksPlugin(tmp)
                     .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                     .env("CMS_WEBHOOKS_TIMEOUT", "3s")
                     // the hung target must keep its attempts hanging throughout: its circuit breaker (tested in
                     // CircuitBreakerIT) would pause them after 10 timeouts in a row
                     .env("CMS_WEBHOOKS_BREAKER_FAILURES", "1000000")) {
            host.start();
            Api api = host.api();
            String hungWebhook = create(api, "{\"eventName\":\"service_created\",\"target\":\"" + hung.url("/hangs")
                    + "\"}");
            create(api, "{\"eventName\":\"project_created\",\"target\":\"" + healthy.url("/healthy") + "\"}");

            Instant start = Instant.now();
            publishToTheHungTarget(api);
            Duration publishing = Duration.between(start, Instant.now());
            await().atMost(Duration.ofSeconds(10)).until(() -> hung.open() > 0);

            Map<String, Instant> published = new LinkedHashMap<>();
            List<Integer> hanging = new ArrayList<>();
            for (int i = 0; i < HEALTHY_EVENTS; i++) {
                String project = "healthy-" + i;
                Instant before = Instant.now();
                Reply reply = api.publish("{\"eventName\":\"project_created\",\"eventTimestamp\":" + i
                        + ",\"payload\":{\"tenantId\":\"acme\",\"projectId\":\"" + project + "\"}}");
                assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
                published.put(project, before);
                hanging.add(hung.open());
            }
            Map<String, Instant> arrived = new LinkedHashMap<>();
            for (String project : published.keySet()) {
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                        .alias(project + " reaches the healthy target while the hung one hangs")
                        .until(() -> arrivals(healthy).containsKey(project));
                arrived.put(project, arrivals(healthy).get(project));
            }

            System.out.printf("published %d hung events in %s; hung connections open at each healthy publish %s,"
                    + " now %d, accepted %d%n", HUNG_EVENTS, publishing, hanging, hung.open(), hung.accepted());
            assertThat(api.get("/api/webhooks/" + hungWebhook + "/deliveries?status=pending&_l=1").json())
                    .as("the hung target still has deliveries waiting").isNotEmpty();
            assertThat(hanging).as("attempts hanging on the hung target while each healthy event was published")
                    .allMatch(open -> open > 0);
            assertThat(hung.open()).as("attempts hanging on the hung target once all arrived").isPositive();
            Duration slowest = Duration.ZERO;
            String slowestProject = null;
            for (Map.Entry<String, Instant> entry : published.entrySet()) {
                Duration latency = Duration.between(entry.getValue(), arrived.get(entry.getKey()));
                if (latency.compareTo(slowest) > 0) {
                    slowest = latency;
                    slowestProject = entry.getKey();
                }
            }
            System.out.printf("slowest publish-to-arrival at the healthy target: %s (%s)%n", slowest, slowestProject);
            assertThat(slowest).as("slowest publish-to-arrival at the healthy target (%s)", slowestProject)
                    .isLessThan(Duration.ofSeconds(2));
        }
    }

    /** Publishes the hung target's thousand events from several threads, each one acknowledged. */
    private static void publishToTheHungTarget(Api api) throws Exception {
        ExecutorService publishers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < HUNG_EVENTS; i++) {
                String event = "{\"eventName\":\"service_created\",\"eventTimestamp\":" + i + ",\"payload\":"
                        + "{\"tenantId\":\"acme\",\"projectId\":\"p1\",\"serviceName\":\"s" + i + "\"}}";
                replies.add(publishers.submit(() -> api.publish(event)));
            }
            for (Future<Reply> reply : replies) {
                assertThat(reply.get().status()).as(reply.get().toString()).isEqualTo(202);
                assertThat(reply.get().json().get("deliveries").asInt()).isEqualTo(1);
            }
        } finally {
            publishers.shutdownNow();
        }
    }

    /** When each healthy event first reached its target, by the project id that names it. */
    private static Map<String, Instant> arrivals(Receiver receiver) {
        Map<String, Instant> first = new LinkedHashMap<>();
        for (Receiver.Request request : receiver.requests()) {
            Matcher matcher = PROJECT.matcher(request.bodyText());
            if (matcher.find()) {
                first.putIfAbsent(matcher.group(1), request.receivedAt());
            }
        }
        return first;
    }
}
