package io.consolecms.webhooks.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes, in the background, what {@code CMS_WEBHOOKS_RETENTION} no longer keeps: settled deliveries (succeeded or
 * failed) whose last change is older than the retention, their attempts, and their events once no delivery refers to
 * them. Pending deliveries are never deleted, however old.
 *
 * <p>A sweep runs every half retention, at least every {@link #MAX_INTERVAL} (so a delivery goes within a minute of
 * passing the retention) and at most every {@link #MIN_INTERVAL}. It finds up to {@link #MAX_BATCH} candidates at a
 * time with a read on its own connection (the claimable index: status, then due time, which for a settled delivery is
 * its creation time, never later than its last change), then hands their deletion to the {@link GroupCommit} writer,
 * like every other write of the delivery tables: a few statements by primary key in the writer's next transaction,
 * which re-checks under row locks that each delivery is still settled and old (a redelivery may have made it pending
 * meanwhile). It waits for that commit, then pauses as long as the batch took before the next one, so that pruning a
 * backlog of millions takes at most about half of the writer's time and ingest and outcomes keep flowing between its
 * batches. A publish that comes while a batch is written waits for it, so batches are sized to take about
 * {@link #BATCH_TARGET} from submit to commit, from what the last one took per delivery (between {@link #MIN_BATCH}
 * and {@link #MAX_BATCH}). What it deleted is counted by {@code webhook_retention_deleted_total{table}}.
 */
final class Retention implements AutoCloseable {

    static final int MAX_BATCH = 200;
    static final int MIN_BATCH = 10;
    /**
     * About how long one batch may take. Batches of 200 took about 10 ms on a 2-core machine, and publishes that came
     * meanwhile waited for them: the publish p99 of a warmed host went from 4 to 11 ms while it pruned.
     */
    static final Duration BATCH_TARGET = Duration.ofMillis(2);
    static final Duration MAX_INTERVAL = Duration.ofSeconds(30);
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    /**
     * Settled deliveries of a status created and last changed before a cutoff: parameters status, cutoff, cutoff, the
     * most rows. A settled delivery's due_at is its creation time, so the claimable index (status, due_at) gives the
     * oldest of a status first. No ORDER BY: H2 sorts every row of the range for it (a million at a time) instead of
     * reading the index in order; the index range alone stops at the limit.
     */
    static final String CANDIDATES_SQL = "SELECT id, event_id FROM webhook_deliveries"
            + " WHERE status = ? AND due_at < ? AND updated_at < ? LIMIT ?";
    private static final long MIN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final DataSource dataSource;
    private final GroupCommit writer;
    private final Duration retention;
    private final Clock clock;
    private final Duration interval;
    private final Thread thread;
    private final Semaphore wakeup = new Semaphore(0);
    private final MeterRegistry registry;
    private final Counter deletedDeliveries;
    private final Counter deletedEvents;
    private volatile boolean stopping;
    /** Candidates read per batch: starts small, then follows {@link #nextBatchSize}. Only the sweeping thread uses it. */
    private int batchSize = MIN_BATCH;

    /** A delivery to delete and its event. */
    private record Candidate(String id, String eventId) {
    }

    /** What one batch deleted. */
    private record Deleted(int deliveries, int events) {
    }

    Retention(DataSource dataSource, GroupCommit writer, Duration retention, Clock clock, MeterRegistry registry) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = Objects.requireNonNull(clock, "clock");
        Duration half = retention.dividedBy(2);
        this.interval = half.compareTo(MAX_INTERVAL) > 0 ? MAX_INTERVAL
                : half.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : half;
        this.registry = registry;
        this.deletedDeliveries = deleted("webhook_deliveries");
        this.deletedEvents = deleted("webhook_events");
        this.thread = new Thread(this::sweepLoop, "webhooks-retention");
        this.thread.setDaemon(true);
    }

    private Counter deleted(String table) {
        return Counter.builder("webhook.retention.deleted")
                .description("Rows the retention deleted: settled deliveries (with their attempts), unneeded events")
                .tag("table", table).register(registry);
    }

    /** Starts sweeping; the first sweep runs after one interval, not during the plugin's start. */
    void start() {
        thread.start();
    }

    private void sweepLoop() {
        while (!stopping) {
            try {
                if (wakeup.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS) || stopping) {
                    return;
                }
                sweep();
            } catch (InterruptedException interrupted) {
                return;
            } catch (SQLException | RuntimeException failure) {
                LOG.warn("Could not delete old webhook deliveries; trying again in {}: {}", interval,
                        failure.toString());
            }
        }
    }

    /** Deletes, batch after batch, everything past the retention now. */
    void sweep() throws SQLException, InterruptedException {
        long cutoff = clock.millis() - retention.toMillis();
        int deliveries = 0;
        int events = 0;
        for (DeliveryStatus status : List.of(DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED)) {
            List<Candidate> batch;
            int asked;
            do {
                asked = batchSize;
                batch = candidates(status, cutoff, asked);
                if (batch.isEmpty() || stopping) {
                    break;
                }
                long started = System.nanoTime();
                Deleted deleted = delete(batch, cutoff);
                long took = System.nanoTime() - started;
                batchSize = nextBatchSize(batchSize, batch.size(), took);
                deliveries += deleted.deliveries();
                events += deleted.events();
                deletedDeliveries.increment(deleted.deliveries());
                deletedEvents.increment(deleted.events());
                TimeUnit.NANOSECONDS.sleep(Math.max(MIN_PAUSE_NANOS, took));
            } while (batch.size() == asked && !stopping);
        }
        if (deliveries > 0) {
            LOG.info("Deleted {} settled webhook deliveries with their attempts, and {} events, older than {}",
                    deliveries, events, retention);
        }
    }

    /**
     * The size of the next batch after one of {@code size} that took {@code tookNanos} for {@code found} candidates:
     * halfway from {@code size} to what would have taken {@link #BATCH_TARGET} at that time per candidate, within
     * {@link #MIN_BATCH} and {@link #MAX_BATCH}.
     */
    static int nextBatchSize(int size, int found, long tookNanos) {
        double fits = tookNanos <= 0 ? MAX_BATCH : (double) found * BATCH_TARGET.toNanos() / tookNanos;
        long next = Math.round((size + Math.min(fits, MAX_BATCH)) / 2);
        return (int) Math.max(MIN_BATCH, Math.min(MAX_BATCH, next));
    }

    private List<Candidate> candidates(DeliveryStatus status, long cutoff, int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(CANDIDATES_SQL)) {
            select.setString(1, status.value());
            select.setLong(2, cutoff);
            select.setLong(3, cutoff);
            select.setInt(4, limit);
            List<Candidate> found = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(new Candidate(rows.getString(1), rows.getString(2)));
                }
            }
            return found;
        }
    }

    /** Deletes a batch in the writer's next transaction and waits for its commit. */
    private Deleted delete(List<Candidate> batch, long cutoff) throws SQLException, InterruptedException {
        CompletableFuture<Deleted> done = new CompletableFuture<>();
        Deleted[] counted = new Deleted[1];
        boolean queued = writer.submit(new GroupCommit.Write() {
            @Override
            public void write(Connection connection, Map<Object, Object> shared) throws SQLException {
                counted[0] = delete(connection, batch, cutoff);
            }

            @Override
            public void committed() {
                done.complete(counted[0]);
            }

            @Override
            public void failed(Exception failure) {
                done.completeExceptionally(failure);
            }
        });
        if (!queued) {
            stopping = true; // the writer is closed: the plugin is stopping
            return new Deleted(0, 0);
        }
        try {
            return done.get();
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof SQLException sql ? sql : new SQLException(failed.getCause());
        }
    }

    private static Deleted delete(Connection connection, List<Candidate> batch, long cutoff) throws SQLException {
        List<String> ids = batch.stream().map(Candidate::id).toList();
        List<String> locked = new ArrayList<>(ids.size());
        try (PreparedStatement lock = connection.prepareStatement("SELECT id FROM webhook_deliveries WHERE id IN ("
                + Outbox.placeholders(ids.size()) + ") AND status <> 'pending' AND updated_at < ? FOR UPDATE")) {
            int index = bind(lock, 1, ids);
            lock.setLong(index, cutoff);
            try (ResultSet rows = lock.executeQuery()) {
                while (rows.next()) {
                    locked.add(rows.getString(1));
                }
            }
        }
        if (locked.isEmpty()) {
            return new Deleted(0, 0);
        }
        String in = " IN (" + Outbox.placeholders(locked.size()) + ")";
        try (PreparedStatement attempts = connection.prepareStatement(
                "DELETE FROM webhook_attempts WHERE delivery_id" + in)) {
            bind(attempts, 1, locked);
            attempts.executeUpdate();
        }
        int deliveries;
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM webhook_deliveries WHERE id" + in)) {
            bind(delete, 1, locked);
            deliveries = delete.executeUpdate();
        }
        Set<String> lockedIds = Set.copyOf(locked);
        List<String> eventIds = batch.stream().filter(candidate -> lockedIds.contains(candidate.id()))
                .map(Candidate::eventId).distinct().toList();
        int events;
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM webhook_events WHERE id IN ("
                + Outbox.placeholders(eventIds.size()) + ") AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d"
                + " WHERE d.event_id = webhook_events.id)")) {
            bind(delete, 1, eventIds);
            events = delete.executeUpdate();
        }
        return new Deleted(deliveries, events);
    }

    private static int bind(PreparedStatement statement, int from, List<String> ids) throws SQLException {
        int index = from;
        for (String id : ids) {
            statement.setString(index++, id);
        }
        return index;
    }

    /**
     * Stops sweeping (a batch being deleted is committed or not, never half) and removes the counters. Before the
     * writer closes.
     */
    @Override
    public void close() {
        registry.remove(deletedDeliveries);
        registry.remove(deletedEvents);
        stopping = true;
        wakeup.release();
        try {
            thread.join(10_000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
