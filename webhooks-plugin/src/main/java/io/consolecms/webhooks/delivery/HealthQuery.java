package io.consolecms.webhooks.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Computes a {@link WebhookHealth} in the database: the attempts of the window are index ranges
 * (see {@link #ATTEMPTS}), counted and ranked per hour by the database itself ({@code PERCENTILE_DISC … WITHIN
 * GROUP}, standard SQL that H2 and PostgreSQL both run), so that only one row per hour comes back however many
 * attempts there were.
 */
final class HealthQuery {

    static final long HOUR_MILLIS = 3_600_000L;

    /**
     * The window's attempts: the rows of attempts, an index range on (webhook_id, at), and the first attempts kept in
     * their deliveries' rows, an index range on (webhook_id, created_at) from {@link Settlement#ATTEMPT_IN_ROW_WITHIN}
     * before the window (such an attempt comes within that time of its delivery's creation). Binds the webhook, from
     * and end, then the webhook, from less that time, end, from and end.
     */
    private static final String ATTEMPTS = "(SELECT at, status_code, duration_ms FROM webhook_attempts"
            + " WHERE webhook_id = ? AND at >= ? AND at < ?"
            + " UNION ALL SELECT first_attempt_at, first_status_code, first_duration_ms FROM webhook_deliveries"
            + " WHERE webhook_id = ? AND created_at >= ? AND created_at < ? AND first_attempt_at >= ?"
            + " AND first_attempt_at < ?) attempts";
    /** Per hour; the bucket is computed in a derived table so that H2 and PostgreSQL group by the same expression. */
    private static final String HOURLY = "SELECT bucket,"
            + " SUM(CASE WHEN status_code BETWEEN 200 AND 299 THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN status_code IS NOT NULL AND status_code NOT BETWEEN 200 AND 299 THEN 1 ELSE 0 END),"
            + " SUM(CASE WHEN status_code IS NULL THEN 1 ELSE 0 END),"
            + " PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY duration_ms),"
            + " PERCENTILE_DISC(0.95) WITHIN GROUP (ORDER BY duration_ms)"
            + " FROM (SELECT (at - ?) / " + HOUR_MILLIS + " AS bucket, status_code, duration_ms FROM " + ATTEMPTS
            + ") hourly GROUP BY bucket";
    private static final String WINDOW = "SELECT PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY duration_ms),"
            + " PERCENTILE_DISC(0.95) WITHIN GROUP (ORDER BY duration_ms) FROM " + ATTEMPTS;
    private static final String DELIVERIES = "SELECT status, COUNT(*) FROM webhook_deliveries"
            + " WHERE webhook_id = ? AND created_at >= ? GROUP BY status";

    private final DataSource dataSource;
    private final Clock clock;

    HealthQuery(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The webhook's health over the last {@code hours} UTC hours, the current one included. */
    WebhookHealth of(String webhookId, int hours) throws SQLException {
        long now = clock.millis();
        long from = Math.floorDiv(now, HOUR_MILLIS) * HOUR_MILLIS - (hours - 1) * HOUR_MILLIS;
        // an attempt recorded by a replica whose clock runs a little ahead still counts, in the current hour
        long end = from + hours * HOUR_MILLIS;
        int[][] counts = new int[hours][3];
        Long[][] latency = new Long[hours][2];
        Long[] windowLatency = new Long[2];
        int[] deliveries = new int[3];
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement select = connection.prepareStatement(HOURLY)) {
                select.setLong(1, from);
                bindAttempts(select, 2, webhookId, from, end);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        int bucket = (int) Math.min(hours - 1, Math.max(0, rows.getLong(1)));
                        for (int outcome = 0; outcome < 3; outcome++) {
                            counts[bucket][outcome] += rows.getInt(2 + outcome);
                        }
                        latency[bucket][0] = nullableLong(rows, 5);
                        latency[bucket][1] = nullableLong(rows, 6);
                    }
                }
            }
            try (PreparedStatement select = connection.prepareStatement(WINDOW)) {
                bindAttempts(select, 1, webhookId, from, end);
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        windowLatency[0] = nullableLong(rows, 1);
                        windowLatency[1] = nullableLong(rows, 2);
                    }
                }
            }
            try (PreparedStatement select = connection.prepareStatement(DELIVERIES)) {
                select.setString(1, webhookId);
                select.setLong(2, from);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        DeliveryStatus.parse(rows.getString(1))
                                .ifPresent(status -> deliveries[status.ordinal()] += count(rows));
                    }
                }
            }
        }
        List<WebhookHealth.Hour> hourly = new ArrayList<>(hours);
        int succeeded = 0;
        int failed = 0;
        int error = 0;
        for (int bucket = 0; bucket < hours; bucket++) {
            int[] c = counts[bucket];
            succeeded += c[0];
            failed += c[1];
            error += c[2];
            hourly.add(new WebhookHealth.Hour(Instant.ofEpochMilli(from + bucket * HOUR_MILLIS).toString(), c[0], c[1],
                    c[2], latency[bucket][0], latency[bucket][1]));
        }
        int total = succeeded + failed + error;
        Double successRate = total == 0 ? null : Math.round(succeeded * 10_000.0 / total) / 10_000.0;
        WebhookHealth.Totals totals = new WebhookHealth.Totals(total, succeeded, failed, error, successRate,
                windowLatency[0], windowLatency[1]);
        int pending = deliveries[DeliveryStatus.PENDING.ordinal()];
        int deliveredOk = deliveries[DeliveryStatus.SUCCEEDED.ordinal()];
        int deliveredFailed = deliveries[DeliveryStatus.FAILED.ordinal()];
        return new WebhookHealth(webhookId, hours, Instant.ofEpochMilli(from).toString(),
                Instant.ofEpochMilli(now).toString(), totals,
                new WebhookHealth.Deliveries(pending + deliveredOk + deliveredFailed, pending, deliveredOk,
                        deliveredFailed), List.copyOf(hourly));
    }

    /** Binds {@link #ATTEMPTS} from parameter {@code index} on. */
    private static void bindAttempts(PreparedStatement select, int index, String webhookId, long from, long end)
            throws SQLException {
        select.setString(index, webhookId);
        select.setLong(index + 1, from);
        select.setLong(index + 2, end);
        select.setString(index + 3, webhookId);
        select.setLong(index + 4, from - Settlement.ATTEMPT_IN_ROW_WITHIN.toMillis());
        select.setLong(index + 5, end);
        select.setLong(index + 6, from);
        select.setLong(index + 7, end);
    }

    private static int count(ResultSet rows) {
        try {
            return (int) Math.min(Integer.MAX_VALUE, rows.getLong(2));
        } catch (SQLException unreadable) {
            throw new IllegalStateException(unreadable);
        }
    }

    private static Long nullableLong(ResultSet rows, int column) throws SQLException {
        long value = rows.getLong(column);
        return rows.wasNull() ? null : value;
    }
}
