package io.consolecms.webhooks.delivery;

import static io.consolecms.webhooks.secrets.SecretBox.forDelivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consolecms.webhooks.ObjectId;
import io.consolecms.webhooks.Transactions;
import io.consolecms.webhooks.secrets.SecretBox;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a {@code webhook_ping} event to one webhook now, whatever its state, and records it as a delivery with its one
 * attempt (no retries: the administrator is watching).
 *
 * <p>Each test event is stored, sent and recorded on a thread of its own pool, never on the request thread that asked
 * for it: an attempt may block for the whole {@code CMS_WEBHOOKS_TIMEOUT}, and the HTTP server's threads are few and
 * shared by every endpoint. The pool runs at most {@link #MAX_IN_FLIGHT} test events at once and queues none: one
 * more is refused at once ({@link RejectedExecutionException}), so that an answer never waits behind others' hung
 * targets, and a test event starts when it is asked for. The pool is apart from the dispatcher's workers, so test
 * events never hold back the deliveries of events.
 */
final class WebhookPing implements AutoCloseable {

    /** Test events in flight at once, in one host. */
    static final int MAX_IN_FLIGHT = 128;
    private static final Logger LOG = LoggerFactory.getLogger(WebhookPing.class);

    static final String EVENT_NAME = "webhook_ping";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RetrySchedule ONE_ATTEMPT = new RetrySchedule(List.of());

    private final DataSource dataSource;
    private final Outbox outbox;
    private final DeliverySender sender;
    private final DeliverySettings settings;
    private final Clock clock;
    private final String owner = "webhooks-test-" + ObjectId.next();
    private final ThreadPoolExecutor senders;

    WebhookPing(DataSource dataSource, Outbox outbox, DeliverySender sender, DeliverySettings settings, Clock clock) {
        this(dataSource, outbox, sender, settings, clock, MAX_IN_FLIGHT);
    }

    WebhookPing(DataSource dataSource, Outbox outbox, DeliverySender sender, DeliverySettings settings, Clock clock,
                int maxInFlight) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        AtomicInteger threads = new AtomicInteger();
        // no queue: a thread per test event in flight, up to the bound; idle threads end after a minute
        this.senders = new ThreadPoolExecutor(0, maxInFlight, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "webhooks-test-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Starts sending the test event on a thread of the pool. Never blocks.
     *
     * @return completes once the attempt is over and recorded (within the attempt timeout, plus the time to store it),
     *     empty when the webhook does not exist, or exceptionally when the database fails
     * @throws RejectedExecutionException when {@link #maxInFlight} test events are in flight already, or at close
     */
    CompletableFuture<Optional<PingResult>> ping(String webhookId) {
        CompletableFuture<Optional<PingResult>> outcome = new CompletableFuture<>();
        senders.execute(() -> {
            try {
                outcome.complete(pingNow(webhookId));
            } catch (SQLException | RuntimeException failure) {
                outcome.completeExceptionally(failure);
            }
        });
        return outcome;
    }

    /** How many test events may be in flight at once. */
    int maxInFlight() {
        return senders.getMaximumPoolSize();
    }

    /** How long an answer may take at most: the attempt's timeout, plus room to store the event and its outcome. */
    Duration longestAnswer() {
        return settings.timeout().plusSeconds(30);
    }

    /** Sends the test event on this thread; empty when the webhook does not exist. Blocks up to the attempt timeout. */
    private Optional<PingResult> pingNow(String webhookId) throws SQLException {
        long now = clock.millis();
        byte[] body = body(webhookId, now);
        String eventId = ObjectId.next();
        String deliveryId = ObjectId.next();
        Optional<ClaimedDelivery> claimed = store(webhookId, eventId, deliveryId, body, now);
        if (claimed.isEmpty()) {
            return Optional.empty();
        }
        ClaimedDelivery delivery = claimed.get();
        long at = clock.millis();
        AttemptResult result = send(delivery);
        outbox.record(owner, List.of(Settlement.of(Outcome.attempted(delivery, at, result), ONE_ATTEMPT,
                new SplittableRandom())));
        return Optional.of(new PingResult(deliveryId, result.succeeded(), result.statusCode(), result.durationMs(),
                result.error(), ResponseBodies.cut(result.responseBody())));
    }

    private AttemptResult send(ClaimedDelivery delivery) {
        if (delivery.unreadable()) {
            return AttemptResult.noAnswer(SecretBox.UNREADABLE_REASON, 0);
        }
        URI target;
        try {
            target = new URI(delivery.target());
        } catch (Exception invalid) {
            return AttemptResult.noAnswer("the webhook's target is not a valid URL", 0);
        }
        return sender.send(new DeliveryRequest(delivery.id(), target, delivery.body(), delivery.secrets().current(),
                delivery.secrets().previousAt(clock.millis()), delivery.base64Ca(), delivery.proxyUrl()));
    }

    /** Stores the event and its delivery, already leased to this tester so that no dispatcher attempts it too. */
    private Optional<ClaimedDelivery> store(String webhookId, String eventId, String deliveryId, byte[] body, long now)
            throws SQLException {
        return Transactions.inTransaction(dataSource, connection -> {
            ClaimedDelivery delivery;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT state, target, secret, base64_ca, proxy_url, previous_secret, previous_secret_until"
                            + " FROM webhooks WHERE id = ?")) {
                select.setString(1, webhookId);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    delivery = new ClaimedDelivery(deliveryId, webhookId, eventId, EVENT_NAME, 0, 0,
                            rows.getString(1), rows.getString(2),
                            SigningSecrets.stored(rows.getString(3), rows.getString(6), rows.getLong(7)),
                            rows.getString(4), forDelivery(rows.getString(5)), body, 0, System.nanoTime(), now);
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(EventIngest.INSERT_EVENT)) {
                insert.setString(1, eventId);
                insert.setString(2, EVENT_NAME);
                insert.setLong(3, now);
                insert.setBytes(4, body);
                insert.setLong(5, now);
                insert.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(Outbox.INSERT_DELIVERY)) {
                Outbox.bindNewDelivery(insert, deliveryId, webhookId, eventId, EVENT_NAME, now, owner,
                        now + settings.lease().toMillis());
                insert.executeUpdate();
            }
            return Optional.of(delivery);
        });
    }

    /**
     * Refuses further test events and lets those in flight finish within the attempt timeout plus 5 s; whatever is
     * still running afterwards is interrupted (its delivery stays leased, and is attempted once the lease expires).
     */
    @Override
    public void close() {
        senders.shutdown();
        try {
            if (!senders.awaitTermination(settings.timeout().plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Test events still in flight at shutdown were cut off");
                senders.shutdownNow();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            senders.shutdownNow();
        }
    }

    private static byte[] body(String webhookId, long now) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventName", EVENT_NAME);
        event.put("eventTimestamp", now);
        event.put("payload", Map.of("webhookId", webhookId));
        try {
            return JSON.writeValueAsBytes(event);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
