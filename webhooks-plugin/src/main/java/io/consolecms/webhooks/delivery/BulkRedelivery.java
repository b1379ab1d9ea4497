package io.consolecms.webhooks.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Delivers again every settled delivery a {@link RedeliveryFilter} selects, however many: it reads their ids a page at
 * a time (by primary key, so the whole run is one pass over the table) and makes each page pending through the
 * {@link GroupCommit writer}, a few pages in flight at most. No transaction ever holds more than a few pages, ingest
 * and outcomes keep flowing between them, and the dispatcher is woken as each page commits, so deliveries start while
 * later pages are still being read. A redelivered delivery keeps its id (its {@code webhook-id}) and gets a fresh
 * attempt budget, as {@link DeliveryLog#redeliver} gives one.
 */
final class BulkRedelivery {

    /** Deliveries per page: per statement and per write. */
    static final int PAGE = 500;
    /** Pages submitted and not yet committed, at most. */
    private static final int IN_FLIGHT = 4;
    private static final long COMMIT_WAIT_SECONDS = 120;

    private final DataSource dataSource;
    private final GroupCommit writer;
    private final Runnable wake;
    private final Clock clock;

    BulkRedelivery(DataSource dataSource, GroupCommit writer, Runnable wake, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.wake = Objects.requireNonNull(wake, "wake");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Makes the selected deliveries pending again, due now. Returns once every page is committed. A delivery that
     * changed meanwhile (e.g. redelivered by someone else) is left alone and not counted.
     *
     * @param publishedOnly whether to skip the deliveries of webhooks that are not {@code PUBLIC} (they would only
     *     fail again at once, as not deliverable)
     * @return how many deliveries were made pending
     * @throws SQLException when reading or writing failed; pages committed before stay redelivered
     */
    int redeliver(RedeliveryFilter filter, boolean publishedOnly) throws SQLException {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicInteger queued = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        String after = "";
        try {
            while (failure.get() == null) {
                List<String> ids = page(filter, publishedOnly, after);
                if (ids.isEmpty()) {
                    break;
                }
                after = ids.get(ids.size() - 1);
                acquire(slots, 1);
                if (!writer.submit(new PageWrite(ids, filter.status(), clock.millis(), queued, failure, slots))) {
                    slots.release();
                    throw new SQLException("the webhooks plugin is stopping");
                }
                if (ids.size() < PAGE) {
                    break;
                }
            }
            acquire(slots, IN_FLIGHT);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while redelivering", interrupted);
        }
        Exception failed = failure.get();
        if (failed != null) {
            throw failed instanceof SQLException sql ? sql : new SQLException(failed);
        }
        return queued.get();
    }

    private static void acquire(Semaphore slots, int permits) throws InterruptedException, SQLException {
        if (!slots.tryAcquire(permits, COMMIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new SQLException("the database did not commit a page of redeliveries within "
                    + COMMIT_WAIT_SECONDS + " s");
        }
    }

    /** The next page of selected delivery ids after {@code after}, in id order. */
    private List<String> page(RedeliveryFilter filter, boolean publishedOnly, String after) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT d.id FROM webhook_deliveries d");
        if (publishedOnly) {
            sql.append(" JOIN webhooks w ON w.id = d.webhook_id AND w.state = 'PUBLIC'");
        }
        sql.append(" WHERE d.id > ? AND d.status = ? AND d.created_at >= ? AND d.created_at < ?");
        if (filter.eventName() != null) {
            sql.append(" AND d.event_name = ?");
        }
        if (filter.webhookId() != null) {
            sql.append(" AND d.webhook_id = ?");
        }
        sql.append(" ORDER BY d.id LIMIT ?");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql.toString())) {
            int index = 1;
            select.setString(index++, after);
            select.setString(index++, filter.status().value());
            select.setLong(index++, filter.since().toEpochMilli());
            select.setLong(index++, filter.until().toEpochMilli());
            if (filter.eventName() != null) {
                select.setString(index++, filter.eventName());
            }
            if (filter.webhookId() != null) {
                select.setString(index++, filter.webhookId());
            }
            select.setInt(index, PAGE);
            List<String> ids = new ArrayList<>(PAGE);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }

    /** One page made pending, in the writer's shared transaction; counted once committed. */
    private final class PageWrite implements GroupCommit.Write {

        private final List<String> ids;
        private final DeliveryStatus status;
        private final long now;
        private final AtomicInteger queued;
        private final AtomicReference<Exception> failure;
        private final Semaphore slots;
        private int changed;

        PageWrite(List<String> ids, DeliveryStatus status, long now, AtomicInteger queued,
                  AtomicReference<Exception> failure, Semaphore slots) {
            this.ids = ids;
            this.status = status;
            this.now = now;
            this.queued = queued;
            this.failure = failure;
            this.slots = slots;
        }

        @Override
        public void write(Connection connection, Map<Object, Object> shared) throws SQLException {
            // the status is checked again: a delivery redelivered meanwhile is pending, and must not be reset
            try (PreparedStatement update = connection.prepareStatement("UPDATE webhook_deliveries"
                    + " SET status = 'pending', next_attempt_at = ?, " + DeliveryLog.DUE_NOW + ","
                    + " round_start = attempts, updated_at = ?"
                    + " WHERE status = ? AND id IN (" + Outbox.placeholders(ids.size()) + ")")) {
                int index = 1;
                update.setLong(index++, now);
                update.setLong(index++, now);
                update.setLong(index++, now);
                update.setString(index++, status.value());
                for (String id : ids) {
                    update.setString(index++, id);
                }
                changed = update.executeUpdate();
            }
        }

        @Override
        public void committed() {
            queued.addAndGet(changed);
            if (changed > 0) {
                wake.run();
            }
            slots.release();
        }

        @Override
        public void rolledBack() {
            changed = 0;
        }

        @Override
        public void failed(Exception cause) {
            failure.compareAndSet(null, cause);
            slots.release();
        }
    }
}
