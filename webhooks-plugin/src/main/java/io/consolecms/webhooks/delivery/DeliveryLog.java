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
import java.util.Optional;
import javax.sql.DataSource;

/** The deliveries as administrators see and steer them: listed, looked at, delivered again. */
final class DeliveryLog {

    /**
     * Due now for claims, unless a host holds the delivery's lease (an attempt in flight): then when that lease ends.
     * Binds one parameter, now.
     */
    static final String DUE_NOW = "due_at = GREATEST(?, COALESCE(lease_expires_at, 0))";
    private static final String COLUMNS = "id, webhook_id, event_id, event_name, status, attempts, next_attempt_at,"
            + " last_status_code, last_error, created_at, updated_at";

    private final DataSource dataSource;
    private final Clock clock;

    DeliveryLog(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    boolean webhookExists(String webhookId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT 1 FROM webhooks WHERE id = ?")) {
            select.setString(1, webhookId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    /**
     * The query of a page of a webhook's deliveries: parameters the webhook id, the status if {@code byStatus}, the
     * limit and the offset. webhook_id (one value here) leads the order, as it leads the index, so that H2 reads a
     * page of rows in index order instead of sorting every delivery of the webhook.
     */
    static String listSql(boolean byStatus) {
        return "SELECT " + COLUMNS + " FROM webhook_deliveries WHERE webhook_id = ?"
                + (byStatus ? " AND status = ?" : "") + " ORDER BY webhook_id DESC, created_at DESC, id DESC"
                + " LIMIT ? OFFSET ?";
    }

    /** A webhook's state ({@code PUBLIC}, {@code DRAFT}, …), or empty when there is no webhook with that id. */
    Optional<String> webhookState(String webhookId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT state FROM webhooks WHERE id = ?")) {
            select.setString(1, webhookId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    /** A webhook's deliveries, newest first; {@code status} may be {@code null} for all. */
    List<DeliveryView> list(String webhookId, DeliveryStatus status, int limit, int skip) throws SQLException {
        String sql = listSql(status != null);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            int index = 1;
            select.setString(index++, webhookId);
            if (status != null) {
                select.setString(index++, status.value());
            }
            select.setInt(index++, limit);
            select.setInt(index, skip);
            List<DeliveryView> views = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    views.add(new DeliveryView(rows.getString("id"), rows.getString("event_id"),
                            rows.getString("event_name"), rows.getString("status"), rows.getInt("attempts"),
                            time(rows, "next_attempt_at"), integer(rows, "last_status_code"),
                            rows.getString("last_error"), time(rows, "created_at"), time(rows, "updated_at")));
                }
            }
            return views;
        }
    }

    /** A delivery with its attempts, or empty when there is none with that id. */
    Optional<DeliveryDetail> find(String deliveryId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            DeliveryDetail delivery;
            List<DeliveryDetail.AttemptView> attempts = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + ", first_attempt_at,"
                    + " first_duration_ms, first_status_code, first_response_body"
                    + " FROM webhook_deliveries WHERE id = ?")) {
                select.setString(1, deliveryId);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    delivery = new DeliveryDetail(rows.getString("id"), rows.getString("webhook_id"),
                            rows.getString("event_id"), rows.getString("event_name"), rows.getString("status"),
                            rows.getInt("attempts"), time(rows, "next_attempt_at"), integer(rows, "last_status_code"),
                            rows.getString("last_error"), time(rows, "created_at"), time(rows, "updated_at"),
                            List.of());
                    // a first attempt that succeeded soon is kept in the delivery's row (see Settlement)
                    String firstAttemptAt = time(rows, "first_attempt_at");
                    if (firstAttemptAt != null) {
                        attempts.add(new DeliveryDetail.AttemptView(firstAttemptAt,
                                rows.getLong("first_duration_ms"), integer(rows, "first_status_code"), null,
                                rows.getString("first_response_body")));
                    }
                }
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT at, duration_ms, status_code, error,"
                    + " response_body FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempt_no")) {
                select.setString(1, deliveryId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        attempts.add(new DeliveryDetail.AttemptView(time(rows, "at"), rows.getLong("duration_ms"),
                                integer(rows, "status_code"), rows.getString("error"),
                                rows.getString("response_body")));
                    }
                }
            }
            return Optional.of(new DeliveryDetail(delivery.id(), delivery.webhookId(), delivery.eventId(),
                    delivery.eventName(), delivery.status(), delivery.attemptCount(), delivery.nextAttemptAt(),
                    delivery.lastStatusCode(), delivery.lastError(), delivery.createdAt(), delivery.updatedAt(),
                    List.copyOf(attempts)));
        }
    }

    /**
     * Makes a delivery pending again, due now, with a fresh attempt budget; it keeps its id (its {@code webhook-id}).
     *
     * @return whether the delivery exists
     */
    boolean redeliver(String deliveryId) throws SQLException {
        long now = clock.millis();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE webhook_deliveries SET status = 'pending',"
                     + " next_attempt_at = ?, " + DUE_NOW + ", round_start = attempts, updated_at = ? WHERE id = ?")) {
            update.setLong(1, now);
            update.setLong(2, now);
            update.setLong(3, now);
            update.setString(4, deliveryId);
            return update.executeUpdate() > 0;
        }
    }

    private static String time(ResultSet rows, String column) throws SQLException {
        long millis = rows.getLong(column);
        return rows.wasNull() ? null : Instant.ofEpochMilli(millis).toString();
    }

    private static Integer integer(ResultSet rows, String column) throws SQLException {
        int value = rows.getInt(column);
        return rows.wasNull() ? null : value;
    }
}
