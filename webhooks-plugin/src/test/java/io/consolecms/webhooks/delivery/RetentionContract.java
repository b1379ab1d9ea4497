package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the retention deletes and what it keeps, on each database the plugin runs on. */
abstract class RetentionContract {

    private static final Duration RETENTION = Duration.ofHours(1);
    private final long now = System.currentTimeMillis();
    private final long old = now - RETENTION.toMillis() - 60_000;

    private static final String INSERT_EVENT = "INSERT INTO webhook_events (id, event_name, event_timestamp, body,"
            + " created_at) VALUES (?, 'project_created', 1, ?, ?)";
    private static final String INSERT_DELIVERY = "INSERT INTO webhook_deliveries (id, webhook_id, event_id,"
            + " event_name, status, attempts, next_attempt_at, created_at, updated_at, due_at)"
            + " VALUES (?, ?, ?, 'project_created', ?, 1, ?, ?, ?, ?)";
    private static final String INSERT_ATTEMPT = "INSERT INTO webhook_attempts (delivery_id, attempt_no, at,"
            + " duration_ms, status_code) VALUES (?, ?, ?, 5, 500)";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private DeliveryDatabase db;
    private GroupCommit writer;
    private Retention retention;
    private String webhook;

    /** A fresh, empty database of the kind under test. */
    abstract DeliveryDatabase freshDatabase() throws Exception;

    @BeforeEach
    void start() throws Exception {
        db = freshDatabase();
        writer = new GroupCommit(db.dataSource);
        retention = new Retention(db.dataSource, writer, RETENTION, Clock.systemUTC(), meters);
        webhook = db.webhook("project_created", "http://a.test/").insert();
    }

    @AfterEach
    void stop() {
        retention.close();
        writer.close();
    }

    @Test
    void deletesSettledDeliveriesPastTheRetentionWithTheirAttemptsAndEvents() throws Exception {
        event("e-succeeded");
        delivery("d-succeeded", "e-succeeded", "succeeded", old, old);
        attempt("d-succeeded", 1);
        attempt("d-succeeded", 2);
        event("e-failed");
        delivery("d-failed", "e-failed", "failed", old, old);
        attempt("d-failed", 1);

        retention.sweep();

        assertThat(ids("webhook_deliveries")).isEmpty();
        assertThat(db.rows("SELECT * FROM webhook_attempts")).isEmpty();
        assertThat(ids("webhook_events")).isEmpty();
        assertThat(meters.get("webhook.retention.deleted").tag("table", "webhook_deliveries").counter().count())
                .isEqualTo(2);
        assertThat(meters.get("webhook.retention.deleted").tag("table", "webhook_events").counter().count())
                .isEqualTo(2);
    }

    @Test
    void neverDeletesPendingDeliveriesOrWhatChangedWithinTheRetention() throws Exception {
        event("e1");
        delivery("d-pending", "e1", "pending", old, old);
        attempt("d-pending", 1);
        event("e2");
        delivery("d-recent", "e2", "succeeded", now, now);
        // created long ago, but redelivered and settled again recently: kept for the retention from its last change
        event("e3");
        delivery("d-redelivered", "e3", "failed", old, now);

        retention.sweep();

        assertThat(ids("webhook_deliveries")).containsExactlyInAnyOrder("d-pending", "d-recent", "d-redelivered");
        assertThat(db.attemptsOf("d-pending")).hasSize(1);
        assertThat(ids("webhook_events")).containsExactlyInAnyOrder("e1", "e2", "e3");
    }

    @Test
    void keepsAnEventThatAPendingDeliveryStillNeeds() throws Exception {
        event("e-shared");
        delivery("d-done", "e-shared", "succeeded", old, old);
        delivery("d-waiting", "e-shared", "pending", old, old);

        retention.sweep();

        assertThat(ids("webhook_deliveries")).containsExactly("d-waiting");
        assertThat(ids("webhook_events")).containsExactly("e-shared");
    }

    @Test
    void deletesMoreThanOneBatchInOneSweep() throws Exception {
        int count = Retention.MAX_BATCH * 2 + 17;
        try (Connection connection = db.dataSource.getConnection();
             PreparedStatement events = connection.prepareStatement(INSERT_EVENT);
             PreparedStatement deliveries = connection.prepareStatement(INSERT_DELIVERY);
             PreparedStatement attempts = connection.prepareStatement(INSERT_ATTEMPT)) {
            for (int i = 0; i < count; i++) {
                bind(events, "e" + i, "{}".getBytes(), old).addBatch();
                bind(deliveries, "d" + i, webhook, "e" + i, i % 2 == 0 ? "succeeded" : "failed", null, old - i, old,
                        old - i).addBatch();
                bind(attempts, "d" + i, 1, old).addBatch();
            }
            events.executeBatch();
            deliveries.executeBatch();
            attempts.executeBatch();
        }

        retention.sweep();

        assertThat(ids("webhook_deliveries")).isEmpty();
        assertThat(db.rows("SELECT delivery_id FROM webhook_attempts")).isEmpty();
        assertThat(ids("webhook_events")).isEmpty();
    }

    private List<String> ids(String table) {
        return db.rows("SELECT id FROM " + table).stream().map(row -> (String) row.get("id")).toList();
    }

    private void event(String id) {
        db.update(INSERT_EVENT, id, "{}".getBytes(), old);
    }

    private void delivery(String id, String eventId, String status, long createdAt, long updatedAt) {
        // as the host stores them: a pending row is due at its next attempt, a settled row's due_at is its creation
        Long nextAttempt = "pending".equals(status) ? now + 60_000 : null;
        db.update(INSERT_DELIVERY, id, webhook, eventId, status, nextAttempt, createdAt, updatedAt,
                nextAttempt != null ? nextAttempt : createdAt);
    }

    private void attempt(String deliveryId, int number) {
        db.update(INSERT_ATTEMPT, deliveryId, number, old);
    }

    private static PreparedStatement bind(PreparedStatement statement, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            statement.setObject(i + 1, values[i]);
        }
        return statement;
    }
}
