package io.consolecms.it.webhooks;

import static io.consolecms.it.webhooks.WebhooksLifecycleIT.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.consolecms.it.Api;
import io.consolecms.it.Api.Reply;
import io.consolecms.it.HostProcess;
import io.consolecms.it.Receiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 202 is a promise (contract §4): whatever moment the host is killed at, every event it acknowledged is stored and
 * every stored delivery reaches its target after a restart. Group commit makes many publishers share a transaction,
 * so these tests kill the host while many of them are in flight.
 */
class BurstCrashIT {

    private static final Pattern TAG = Pattern.compile("\"tagName\":\"(burst-\\d+)\"");

    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedEventArrivesAfterAKillDuringABurst() throws Exception {
        int events = 3_000;
        int killAfter = 1_500;
        try (Receiver receiver = Receiver.start("burst-secret");
             HostProcess host = HostProcess.withWebhooksPlugin(tmp)
                     .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                     .env("CMS_WEBHOOKS_TIMEOUT", "2s")
                     .env("CMS_WEBHOOKS_RETRY_SCHEDULE", "1s,1s,1s")) {
            host.start();
            Api api = host.api();
            String webhook = create(api, "{\"eventName\":\"tag_created\",\"target\":\"" + receiver.url("/burst")
                    + "\",\"secret\":\"burst-secret\"}");

            Map<String, String> acknowledged = new ConcurrentHashMap<>(); // tag (payload id) -> eventId
            List<String> unexpected = new CopyOnWriteArrayList<>();
            AtomicInteger next = new AtomicInteger();
            AtomicBoolean killed = new AtomicBoolean();
            runPublishers(8, Duration.ofSeconds(120), () -> {
                int i = next.getAndIncrement();
                if (i >= events || killed.get()) {
                    return false;
                }
                String tag = "burst-" + i;
                Reply reply = api.publish("{\"eventName\":\"tag_created\",\"eventTimestamp\":" + i + ",\"payload\":"
                        + "{\"tenantId\":\"acme\",\"projectId\":\"p1\",\"tagName\":\"" + tag + "\"}}");
                if (reply.status() != 202) {
                    unexpected.add(tag + ": " + reply);
                    return true;
                }
                acknowledged.put(tag, reply.json().get("eventId").asText());
                if (acknowledged.size() >= killAfter && killed.compareAndSet(false, true)) {
                    host.kill();
                }
                return true;
            });
            assertThat(unexpected).as("answers other than 202 before the kill").isEmpty();
            assertThat(killed).as("the host was killed during the burst").isTrue();
            assertThat(receiver.requests().size()).as("deliveries ran during the burst").isPositive();

            int receivedBeforeKill = receiver.requests().size();
            host.start();
            Instant restart = Instant.now();
            Api restarted = host.api();
            try {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                        assertThat(tagsReceived(receiver)).as("acknowledged events seen by the receiver")
                                .containsAll(acknowledged.keySet()));
                System.out.printf("%d acknowledged before the kill, %d requests received by then; every acknowledged"
                        + " event received %s after restart, %d requests in all%n", acknowledged.size(),
                        receivedBeforeKill, Duration.between(restart, Instant.now()), receiver.requests().size());
                Map<String, String> deliveryOfEvent = deliveriesByEvent(restarted, webhook);
                Set<String> webhookIds = new HashSet<>();
                receiver.requests().forEach(request -> webhookIds.add(request.header("webhook-id")));
                for (Map.Entry<String, String> ack : acknowledged.entrySet()) {
                    String delivery = deliveryOfEvent.get(ack.getValue());
                    assertThat(delivery).as("the delivery of acknowledged event %s (%s)", ack.getValue(), ack.getKey())
                            .isNotNull();
                    assertThat(webhookIds).as("webhook-id of %s", ack.getKey()).contains(delivery);
                }
                assertThat(receiver.requests()).allMatch(Receiver.Request::signatureValid);
            } catch (AssertionError | RuntimeException e) {
                System.err.println(tail(host));
                throw e;
            }
        }
    }

    @Test
    void noAcknowledgementBeforeItsCommit() throws Exception {
        // the first kill lands on the very first commit of a fresh host; the later ones on group commits in full swing
        int[] killAfter = {1, 100, 500};
        try (HostProcess host = HostProcess.withWebhooksPlugin(tmp)
                .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                .env("CMS_WEBHOOKS_TIMEOUT", "2s")
                .env("CMS_WEBHOOKS_RETRY_SCHEDULE", "1h")) {
            host.start();
            // nothing listens there: deliveries fail fast and wait an hour, out of the way of the publishers
            String webhook = create(host.api(), "{\"eventName\":\"tag_created\",\"target\":\"http://127.0.0.1:"
                    + HostProcess.freePort() + "/down\"}");

            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger next = new AtomicInteger();
            for (int cycle = 0; cycle < killAfter.length; cycle++) {
                Api api = host.api();
                int threshold = killAfter[cycle];
                AtomicInteger acks = new AtomicInteger();
                AtomicBoolean killed = new AtomicBoolean();
                List<String> unexpected = new CopyOnWriteArrayList<>();
                runPublishers(32, Duration.ofSeconds(60), () -> {
                    if (killed.get()) {
                        return false;
                    }
                    int i = next.getAndIncrement();
                    Reply reply = api.publish("{\"eventName\":\"tag_created\",\"eventTimestamp\":" + i + ",\"payload\":"
                            + "{\"tenantId\":\"acme\",\"projectId\":\"p1\",\"tagName\":\"burst-" + i + "\"}}");
                    if (reply.status() != 202) {
                        unexpected.add(reply.toString());
                        return true;
                    }
                    acknowledged.add(reply.json().get("eventId").asText());
                    if (acks.incrementAndGet() >= threshold && killed.compareAndSet(false, true)) {
                        host.kill();
                    }
                    return true;
                });
                assertThat(unexpected).as("answers other than 202 before kill %d", cycle + 1).isEmpty();
                assertThat(killed).as("kill %d happened", cycle + 1).isTrue();

                host.start();
                Set<String> stored = deliveriesByEvent(host.api(), webhook).keySet();
                System.out.printf("kill %d after 202 number %d: %d acknowledged in this round, %d in all, %d stored%n",
                        cycle + 1, threshold, acks.get(), acknowledged.size(), stored.size());
                Set<String> lost = new HashSet<>(acknowledged);
                lost.removeAll(stored);
                if (!lost.isEmpty()) {
                    System.err.println(tail(host));
                }
                assertThat(lost).as("acknowledged events without a stored delivery after kill %d (of %d acknowledged)",
                        cycle + 1, acknowledged.size()).isEmpty();
            }
        }
    }

    /**
     * Runs {@code publish} on {@code threads} threads, each over and over until it answers {@code false} or throws
     * (as a publish does once the host is dead), and waits for all of them within {@code limit}.
     */
    private static void runPublishers(int threads, Duration limit, Publish publish) throws InterruptedException {
        ExecutorService publishers = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            publishers.submit(() -> {
                try {
                    while (publish.next()) {
                        // publish again
                    }
                } catch (UncheckedIOException | InterruptedException hostGone) {
                    // the host was killed under this request: it was never acknowledged
                }
                return null;
            });
        }
        publishers.shutdown();
        if (!publishers.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            publishers.shutdownNow();
            throw new AssertionError("publishers still running after " + limit);
        }
    }

    @FunctionalInterface
    private interface Publish {
        /** Publishes one event; {@code false} when there is nothing more to publish. */
        boolean next() throws InterruptedException;
    }

    /** Every delivery of the webhook, eventId to delivery id, read page by page from the delivery log. */
    private static Map<String, String> deliveriesByEvent(Api api, String webhook) {
        Map<String, String> deliveries = new HashMap<>();
        int page = 200;
        for (int skip = 0; ; skip += page) {
            Reply reply = api.get("/api/webhooks/" + webhook + "/deliveries?_l=" + page + "&_sk=" + skip);
            assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
            for (JsonNode delivery : reply.json()) {
                deliveries.put(delivery.get("eventId").asText(), delivery.get("_id").asText());
            }
            if (reply.json().size() < page) {
                return deliveries;
            }
        }
    }

    private static Set<String> tagsReceived(Receiver receiver) {
        Set<String> tags = new HashSet<>();
        for (Receiver.Request request : receiver.requests()) {
            Matcher matcher = TAG.matcher(request.bodyText());
            if (matcher.find()) {
                tags.add(matcher.group(1));
            }
        }
        return tags;
    }

    private static String tail(HostProcess host) {
        try {
            String log = host.logText();
            String tail = log.substring(Math.max(0, log.length() - 8_000));
            return "--- host log (tail) at " + Instant.now() + " ---\n" + tail;
        } catch (IOException e) {
            return "host log unreadable: " + e;
        }
    }
}
