package io.consolecms.it.webhooks;

import static io.consolecms.it.webhooks.WebhooksLifecycleIT.create;
import static io.consolecms.it.webhooks.WebhooksLifecycleIT.fields;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webhook's {@code rateLimit} holds its deliveries to that many per second: the others wait, none fails, and none
 * spends an attempt for it. Through the built jars, with a receiver that timestamps each arrival.
 */
class RateLimitIT {

    private static final int EVENTS = 500;
    private static final int RATE = 50;

    @TempDir
    Path tmp;

    @Test
    void fiveHundredEventsToAWebhookLimitedToFiftyPerSecondArriveInAboutTenSecondsNoneFailed() throws Exception {
        try (Receiver receiver = Receiver.start(null);
             HostProcess host = HostProcess.withWebhooksPlugin(tmp)
                     .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")) {
            host.start();
            Api api = host.api();
            JsonNode field = rateLimitField(api);
            assertThat(field.path("type").asText()).isEqualTo("INTEGER");
            assertThat(field.path("minimum").asLong()).isEqualTo(1);
            assertThat(field.path("maximum").asLong()).isEqualTo(10_000);
            for (String refused : List.of("0", "10001", "\"50\"", "2.5", "99999999999")) {
                Reply reply = api.post("/api/webhooks/", "{\"eventName\":\"tag_created\",\"target\":\""
                        + receiver.url("/x") + "\",\"rateLimit\":" + refused + "}");
                assertThat(reply.status()).as(refused).isEqualTo(400);
                assertThat(fields(reply.json())).as(refused).containsExactly("rateLimit");
            }

            String webhook = create(api, "{\"eventName\":\"tag_created\",\"target\":\"" + receiver.url("/limited")
                    + "\",\"rateLimit\":" + RATE + "}");
            assertThat(api.get("/api/webhooks/" + webhook).json().path("rateLimit").asInt()).isEqualTo(RATE);
            Instant publishing = Instant.now();
            publish(api);
            Instant published = Instant.now();
            int arrivedWhilePublishing = receiver.requests().size();
            System.out.printf("published %d events in %s; %d had arrived%n", EVENTS,
                    Duration.between(publishing, published), arrivedWhilePublishing);
            assertThat(arrivedWhilePublishing).as("held back while they were published")
                    .isLessThanOrEqualTo(RATE / 10 + (int) (RATE * Duration.between(publishing, published).toMillis()
                            / 1000) + RATE / 5);
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() >= EVENTS);

            List<Receiver.Request> requests = receiver.requests();
            Set<String> ids = requests.stream().map(request -> request.header("webhook-id"))
                    .collect(Collectors.toSet());
            assertThat(ids).as("each delivery once").hasSize(EVENTS);
            Instant first = requests.get(0).receivedAt();
            Duration span = Duration.between(first, requests.get(requests.size() - 1).receivedAt());
            System.out.printf("%d deliveries limited to %d/s arrived over %s%n", EVENTS, RATE, span);
            assertThat(span).as("about %d s", EVENTS / RATE).isBetween(Duration.ofSeconds(9), Duration.ofSeconds(13));
            int busiest = 0;
            for (Receiver.Request request : requests) {
                Instant from = request.receivedAt();
                int inSecond = (int) requests.stream().filter(other -> !other.receivedAt().isBefore(from)
                        && other.receivedAt().isBefore(from.plusSeconds(1))).count();
                busiest = Math.max(busiest, inSecond);
            }
            System.out.printf("busiest second: %d deliveries%n", busiest);
            assertThat(busiest).as("deliveries in the busiest second, by the receiver's clock")
                    .isLessThanOrEqualTo(RATE * 14 / 10);

            await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(api, webhook, "succeeded").size() == EVENTS);
            assertThat(deliveries(api, webhook, "failed")).isEmpty();
            assertThat(deliveries(api, webhook, "pending")).isEmpty();
            assertThat(deliveries(api, webhook, "succeeded")).as("waiting spends no attempt")
                    .allSatisfy(delivery -> assertThat(delivery.path("attempts").asInt()).isEqualTo(1));

            Reply unset = api.patch("/api/webhooks/" + webhook, "{\"$unset\":{\"rateLimit\":true}}");
            assertThat(unset.status()).isEqualTo(200);
            assertThat(unset.json().has("rateLimit")).isFalse();
        }
    }

    /** Every delivery of a webhook with that status, page by page. */
    private static List<JsonNode> deliveries(Api api, String webhook, String status) {
        List<JsonNode> all = new ArrayList<>();
        for (int skip = 0; ; skip += 200) {
            JsonNode page = api.get("/api/webhooks/" + webhook + "/deliveries?status=" + status + "&_l=200&_sk=" + skip)
                    .json();
            page.forEach(all::add);
            if (page.size() < 200) {
                return all;
            }
        }
    }

    private static JsonNode rateLimitField(Api api) {
        for (JsonNode collection : api.get("/api/collections").json()) {
            for (JsonNode field : collection.path("fields")) {
                if (field.path("name").asText().equals("rateLimit")) {
                    return field;
                }
            }
        }
        throw new AssertionError("no rateLimit field in GET /api/collections");
    }

    /** Publishes the events from several threads, each one acknowledged with its one delivery. */
    private static void publish(Api api) throws Exception {
        ExecutorService publishers = Executors.newFixedThreadPool(32);
        try {
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                String event = "{\"eventName\":\"tag_created\",\"eventTimestamp\":" + i
                        + ",\"payload\":{\"tenantId\":\"acme\",\"tagName\":\"v" + i + "\"}}";
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
}
