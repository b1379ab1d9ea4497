package io.consolecms.webhooks.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves to DRAFT every PUBLIC webhook whose attempts have all failed for {@code CMS_WEBHOOKS_DISABLE_AFTER} (its
 * {@code failing_since}, which the {@link Outbox} keeps as attempts are recorded, is that old), with a reason and a
 * time the document shows. It looks at the time, not at new attempts, so a webhook behind an open circuit breaker is
 * disabled on time too. Runs on its own thread every {@link #interval} (at most 30 s); writes through the
 * {@link GroupCommit}. Several hosts may run it at once: each webhook is moved by one of them.
 */
final class AutoDisable implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AutoDisable.class);
    private static final int MAX_PER_SWEEP = 500;

    private final DataSource dataSource;
    private final GroupCommit writer;
    private final Duration after;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "webhooks-auto-disable");
        thread.setDaemon(true);
        return thread;
    });

    AutoDisable(DataSource dataSource, GroupCommit writer, Duration after, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.after = Objects.requireNonNull(after, "after");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** How often to look: half the setting, between 1 s and 30 s, so a webhook is disabled within a minute. */
    static Duration interval(Duration after) {
        Duration half = after.dividedBy(2);
        return half.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : half.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : half;
    }

    void start() {
        long every = interval(after).toMillis();
        timer.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException failure) {
            LOG.warn("Could not look for webhooks to disable; trying again in {} s: {}", interval(after).toSeconds(),
                    failure.toString());
        }
    }

    /**
     * Disables the webhooks failing for longer than the setting.
     *
     * @return the ids of the webhooks this call moved to DRAFT
     */
    List<String> sweep() throws SQLException, InterruptedException {
        long now = clock.millis();
        long since = now - after.toMillis();
        Map<String, Long> failing = failingSince(since);
        if (failing.isEmpty()) {
            return List.of();
        }
        List<String> moved = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean queued = writer.submit(new GroupCommit.Write() {
            @Override
            public void write(Connection connection, Map<Object, Object> shared) throws SQLException {
                moved.clear();
                try (PreparedStatement update = connection.prepareStatement("UPDATE webhooks SET state = 'DRAFT',"
                        + " disabled_reason = ?, disabled_at = ?, updated_at = ? WHERE id = ? AND state = 'PUBLIC'"
                        + " AND failing_since <= ?")) {
                    for (Map.Entry<String, Long> webhook : failing.entrySet()) {
                        update.setString(1, reason(webhook.getValue()));
                        update.setLong(2, now);
                        update.setLong(3, now);
                        update.setString(4, webhook.getKey());
                        update.setLong(5, since);
                        if (update.executeUpdate() == 1) {
                            moved.add(webhook.getKey());
                        }
                    }
                }
            }

            @Override
            public void committed() {
                done.complete(null);
            }

            @Override
            public void failed(Exception failure) {
                done.completeExceptionally(failure);
            }
        });
        if (!queued) {
            return List.of(); // stopping
        }
        try {
            done.get();
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof SQLException sql ? sql : new SQLException(failed.getCause());
        }
        for (String id : moved) {
            // never the target: it may carry a token
            LOG.warn("Webhook {} moved to DRAFT: every delivery attempt has failed since {} ({} or more);"
                    + " publish it again once its target works", id, Instant.ofEpochMilli(failing.get(id)),
                    DurationText.of(after));
        }
        return moved;
    }

    /** The reason a document shows. */
    private String reason(long failingSince) {
        return "Every delivery attempt failed for " + DurationText.of(after) + " or more (since "
                + Instant.ofEpochMilli(failingSince) + "): the webhook was moved to DRAFT. Publish it again once its"
                + " target works.";
    }

    private Map<String, Long> failingSince(long since) throws SQLException {
        Map<String, Long> found = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT id, failing_since FROM webhooks"
                     + " WHERE failing_since <= ? AND state = 'PUBLIC' ORDER BY failing_since LIMIT ?")) {
            select.setLong(1, since);
            select.setInt(2, MAX_PER_SWEEP);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        return found;
    }

    /** Stops looking; a sweep under way finishes on its own. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
