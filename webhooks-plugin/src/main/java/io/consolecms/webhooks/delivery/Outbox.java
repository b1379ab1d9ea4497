package io.consolecms.webhooks.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pending deliveries in the database: claimed with a lease so that several hosts on one database never attempt
 * the same delivery at once, and settled with each attempt's outcome. Portable SQL (H2 and PostgreSQL). No method
 * keeps a connection beyond its own statements: sends happen between calls, never inside one.
 */
final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    static final String INSERT_DELIVERY = "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_name, status,"
            + " attempts, round_start, next_attempt_at, lease_owner, lease_expires_at, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, 'pending', 0, 0, ?, ?, ?, ?, ?)";

    private static final String FREE = "(lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= ?)";

    private final DataSource dataSource;
    private final Clock clock;

    Outbox(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Binds {@link #INSERT_DELIVERY} for a delivery due at {@code now}, leased to nobody. */
    static void bindNewDelivery(PreparedStatement insert, String id, String webhookId, String eventId,
                                String eventName, long now) throws SQLException {
        bindNewDelivery(insert, id, webhookId, eventId, eventName, now, null, 0);
    }

    /** Binds {@link #INSERT_DELIVERY} for a delivery due at {@code now}, leased to {@code owner} when not null. */
    static void bindNewDelivery(PreparedStatement insert, String id, String webhookId, String eventId,
                                String eventName, long now, String owner, long leaseExpiresAt) throws SQLException {
        insert.setString(1, id);
        insert.setString(2, webhookId);
        insert.setString(3, eventId);
        insert.setString(4, eventName);
        insert.setLong(5, now);
        if (owner == null) {
            insert.setNull(6, Types.VARCHAR);
            insert.setNull(7, Types.BIGINT);
        } else {
            insert.setString(6, owner);
            insert.setLong(7, leaseExpiresAt);
        }
        insert.setLong(8, now);
        insert.setLong(9, now);
    }

    /** Fails unless every statement of a batch changed a row. */
    static void checkAll(int[] counts, String what) throws SQLException {
        for (int count : counts) {
            if (count == 0) {
                throw new SQLException(what + ": a statement changed no row");
            }
        }
    }

    private static boolean changed(int count) {
        return count > 0 || count == Statement.SUCCESS_NO_INFO;
    }

    /**
     * Claims up to {@code limit} due deliveries for {@code owner}: pending, due, and not leased (or leased by a claim that
     * expired). A delivery another host claims at the same moment goes to one of the two only.
     *
     * @param excludedWebhooks webhooks whose deliveries not to claim now (their target is busy in this host)
     * @return the claimed deliveries, with what their attempts need
     */
    List<ClaimedDelivery> claim(String owner, int limit, Duration lease, Collection<String> excludedWebhooks)
            throws SQLException {
        if (limit <= 0) {
            return List.of();
        }
        long now = clock.millis();
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            // PostgreSQL: candidates are row-locked and rows other hosts are claiming are skipped, so hosts claiming
            // at once take different deliveries instead of racing for the same ones. Elsewhere the conditional
            // update alone keeps claims exclusive.
            boolean skipLocked = isPostgres(connection);
            connection.setAutoCommit(!skipLocked);
            try {
                List<String> claimed = claimCandidates(connection, owner, now, limit, lease, excludedWebhooks, skipLocked);
                if (skipLocked) {
                    connection.commit();
                }
                return claimed.isEmpty() ? List.of() : load(connection, owner, claimed);
            } catch (SQLException | RuntimeException failure) {
                if (skipLocked) {
                    connection.rollback();
                }
                throw failure;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    private static List<String> claimCandidates(Connection connection, String owner, long now, int limit,
                                                Duration lease, Collection<String> excluded, boolean skipLocked)
            throws SQLException {
        List<String> candidates = dueIds(connection, now, limit, excluded, skipLocked);
        if (candidates.isEmpty()) {
            return List.of();
        }
        // every host locks rows in id order (some drivers run a batch as one transaction), so hosts claiming at
        // once only wait on each other, never deadlock; the update counts say which claims this host won
        candidates.sort(Comparator.naturalOrder());
        List<String> claimed = new ArrayList<>();
        try (PreparedStatement update = connection.prepareStatement("UPDATE webhook_deliveries"
                + " SET lease_owner = ?, lease_expires_at = ? WHERE id = ? AND status = 'pending' AND " + FREE)) {
            for (String id : candidates) {
                update.setString(1, owner);
                update.setLong(2, now + lease.toMillis());
                update.setString(3, id);
                update.setLong(4, now);
                update.addBatch();
            }
            int[] counts = update.executeBatch();
            for (int i = 0; i < counts.length; i++) {
                if (changed(counts[i])) {
                    claimed.add(candidates.get(i));
                }
            }
        }
        return claimed;
    }

    private static boolean isPostgres(Connection connection) throws SQLException {
        return "PostgreSQL".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName());
    }

    private static List<String> dueIds(Connection connection, long now, int limit, Collection<String> excluded,
                                       boolean skipLocked) throws SQLException {
        String sql = "SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? AND " + FREE
                + (excluded.isEmpty() ? "" : " AND webhook_id NOT IN (" + placeholders(excluded.size()) + ")")
                + " ORDER BY next_attempt_at LIMIT ?" + (skipLocked ? " FOR UPDATE SKIP LOCKED" : "");
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            int index = 1;
            select.setLong(index++, now);
            select.setLong(index++, now);
            for (String webhookId : excluded) {
                select.setString(index++, webhookId);
            }
            select.setInt(index, limit);
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }

    /** Loads the claimed deliveries with their webhooks and event bodies: one query for the whole batch. */
    private static List<ClaimedDelivery> load(Connection connection, String owner, List<String> ids)
            throws SQLException {
        String sql = "SELECT d.id, d.webhook_id, d.event_id, d.event_name, d.attempts, d.round_start,"
                + " w.state, w.target, w.secret, w.base64_ca, w.proxy_url, e.body"
                + " FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id"
                + " LEFT JOIN webhooks w ON w.id = d.webhook_id"
                + " WHERE d.lease_owner = ? AND d.id IN (" + placeholders(ids.size()) + ") ORDER BY d.next_attempt_at";
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, owner);
            for (int i = 0; i < ids.size(); i++) {
                select.setString(i + 2, ids.get(i));
            }
            List<ClaimedDelivery> deliveries = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    deliveries.add(new ClaimedDelivery(rows.getString(1), rows.getString(2), rows.getString(3),
                            rows.getString(4), rows.getInt(5), rows.getInt(6), rows.getString(7), rows.getString(8),
                            rows.getString(9), rows.getString(10), rows.getString(11), rows.getBytes(12)));
                }
            }
            return deliveries;
        }
    }

    /** Gives up {@code owner}'s leases on deliveries it will not attempt; they stay pending and due. */
    void release(String owner, Collection<String> deliveryIds) throws SQLException {
        if (deliveryIds.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE webhook_deliveries"
                     + " SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?")) {
            for (String id : deliveryIds) {
                update.setString(1, id);
                update.setString(2, owner);
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /**
     * Settles outcomes of {@code owner}'s claims in one transaction: each delivery's new status and lease cleared, its
     * attempt row, its webhook's last delivery, and a gone (410) webhook moved to DRAFT. An outcome whose lease was
     * lost meanwhile (it expired and another host claimed the delivery) is dropped: that host's attempt counts.
     *
     * @param schedule the retry schedule deciding the next attempt of failed ones
     * @return when the next attempts that were scheduled are due (epoch millis)
     */
    List<Long> record(String owner, List<Outcome> outcomes, RetrySchedule schedule, RandomGenerator random)
            throws SQLException {
        if (outcomes.isEmpty()) {
            return List.of();
        }
        long now = clock.millis();
        List<Settlement> settlements = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            settlements.add(Settlement.of(outcome, schedule, random));
        }
        // rows are locked in one order by every host (webhook, then time, then delivery), so batches never deadlock
        settlements.sort(Comparator.comparing((Settlement s) -> s.outcome().delivery().webhookId())
                .thenComparingLong(s -> s.outcome().at())
                .thenComparing(s -> s.outcome().delivery().id()));
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                List<Settlement> kept = updateDeliveries(connection, owner, settlements, now);
                insertAttempts(connection, kept);
                updateWebhooks(connection, kept, now);
                connection.commit();
                kept.stream().filter(settlement -> DeliveryStatus.FAILED.value().equals(settlement.status()))
                        .forEach(Outbox::logGivenUp);
                return kept.stream().map(Settlement::nextAttemptAt).filter(Objects::nonNull).toList();
            } catch (SQLException | RuntimeException failure) {
                connection.rollback();
                throw failure;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /** Operators learn from the log which deliveries were given up; never the target, which may carry a token. */
    private static void logGivenUp(Settlement settlement) {
        ClaimedDelivery delivery = settlement.outcome().delivery();
        LOG.warn("Webhook delivery {} of webhook {} ({}) failed after {} attempts: {}", delivery.id(),
                delivery.webhookId(), delivery.eventName(), settlement.attempts(), settlement.error());
    }

    private static List<Settlement> updateDeliveries(Connection connection, String owner, List<Settlement> settlements,
                                                     long now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE webhook_deliveries SET attempts = ?,"
                + " status = ?, next_attempt_at = ?, last_status_code = ?, last_error = ?, lease_owner = NULL,"
                + " lease_expires_at = NULL, updated_at = ? WHERE id = ? AND lease_owner = ?")) {
            for (Settlement settlement : settlements) {
                update.setInt(1, settlement.attempts());
                update.setString(2, settlement.status());
                setLong(update, 3, settlement.nextAttemptAt());
                setInt(update, 4, settlement.statusCode());
                update.setString(5, settlement.error());
                update.setLong(6, now);
                update.setString(7, settlement.outcome().delivery().id());
                update.setString(8, owner);
                update.addBatch();
            }
            int[] counts = update.executeBatch();
            List<Settlement> kept = new ArrayList<>();
            for (int i = 0; i < counts.length; i++) {
                if (changed(counts[i])) {
                    kept.add(settlements.get(i));
                }
            }
            return kept;
        }
    }

    private static void insertAttempts(Connection connection, List<Settlement> settlements) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO webhook_attempts (delivery_id,"
                + " attempt_no, at, duration_ms, status_code, error, response_body) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            int batched = 0;
            for (Settlement settlement : settlements) {
                AttemptResult result = settlement.outcome().result();
                if (result == null) {
                    continue;
                }
                insert.setString(1, settlement.outcome().delivery().id());
                insert.setInt(2, settlement.attempts());
                insert.setLong(3, settlement.outcome().at());
                insert.setLong(4, result.durationMs());
                setInt(insert, 5, result.statusCode());
                insert.setString(6, result.error());
                insert.setString(7, ResponseBodies.cut(result.responseBody()));
                insert.addBatch();
                batched++;
            }
            if (batched > 0) {
                insert.executeBatch();
            }
        }
    }

    private static void updateWebhooks(Connection connection, List<Settlement> settlements, long now)
            throws SQLException {
        try (PreparedStatement last = connection.prepareStatement("UPDATE webhooks SET last_delivery_status = ?,"
                + " last_delivery_at = ?, last_delivery_event = ?, last_delivery_code = ?"
                + " WHERE id = ? AND (last_delivery_at IS NULL OR last_delivery_at <= ?)");
             PreparedStatement draft = connection.prepareStatement(
                     "UPDATE webhooks SET state = 'DRAFT', updated_at = ? WHERE id = ? AND state = 'PUBLIC'")) {
            int lastCount = 0;
            int draftCount = 0;
            for (Settlement settlement : settlements) {
                Outcome outcome = settlement.outcome();
                if (outcome.result() == null) {
                    continue;
                }
                last.setString(1, (outcome.result().succeeded() ? DeliveryStatus.SUCCEEDED : DeliveryStatus.FAILED).value());
                last.setLong(2, outcome.at());
                last.setString(3, outcome.delivery().eventName());
                setInt(last, 4, outcome.result().statusCode());
                last.setString(5, outcome.delivery().webhookId());
                last.setLong(6, outcome.at());
                last.addBatch();
                lastCount++;
                if (outcome.result().gone()) {
                    draft.setLong(1, now);
                    draft.setString(2, outcome.delivery().webhookId());
                    draft.addBatch();
                    draftCount++;
                }
            }
            if (lastCount > 0) {
                last.executeBatch();
            }
            if (draftCount > 0) {
                draft.executeBatch();
            }
        }
    }

    static String placeholders(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    private static void setInt(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    /** The new state of a delivery after an outcome. */
    private record Settlement(Outcome outcome, int attempts, String status, Long nextAttemptAt, Integer statusCode,
                              String error) {

        static Settlement of(Outcome outcome, RetrySchedule schedule, RandomGenerator random) {
            ClaimedDelivery delivery = outcome.delivery();
            AttemptResult result = outcome.result();
            if (result == null) {
                return new Settlement(outcome, delivery.attempts(), DeliveryStatus.FAILED.value(), null, null,
                        outcome.abandonedBecause());
            }
            int attempts = delivery.attempts() + 1;
            if (result.succeeded()) {
                return new Settlement(outcome, attempts, DeliveryStatus.SUCCEEDED.value(), null, result.statusCode(),
                        null);
            }
            String error = result.error() != null ? result.error() : "the receiver answered " + result.statusCode();
            if (result.gone()) {
                return new Settlement(outcome, attempts, DeliveryStatus.FAILED.value(), null, result.statusCode(),
                        "the receiver answered 410 Gone: delivery stopped and the webhook moved to DRAFT");
            }
            Optional<Duration> delay = schedule.nextDelay(attempts - delivery.roundStart(), result.retryAfter(), random);
            return delay
                    .map(wait -> new Settlement(outcome, attempts, DeliveryStatus.PENDING.value(),
                            outcome.at() + result.durationMs() + wait.toMillis(), result.statusCode(), error))
                    .orElseGet(() -> new Settlement(outcome, attempts, DeliveryStatus.FAILED.value(), null,
                            result.statusCode(), error));
        }
    }
}
