package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.webhooks.ObjectId;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * {@link HealthQuery} against a real database, with attempts of known times, outcomes and durations; the expected
 * percentiles are worked out by hand from SQL's {@code PERCENTILE_DISC} definition (the smallest value whose
 * cumulative share reaches the fraction), not by the code under test.
 */
abstract class HealthQueryContract {

    private static final Instant NOW = Instant.parse("2026-11-30T10:30:00Z");

    /** A fresh, migrated database. */
    abstract DeliveryDatabase database();

    @Test
    void countsAttemptsPerHourByOutcomeWithTheirLatencyPercentiles() throws Exception {
        DeliveryDatabase db = database();
        String webhook = db.webhook("project_created", "http://127.0.0.1:9/").insert();
        String other = db.webhook("project_created", "http://127.0.0.1:9/").insert();
        String failed = delivery(db, webhook, "failed", "2026-11-30T08:10:00Z");
        String pending = delivery(db, webhook, "pending", "2026-11-30T10:00:00Z");
        String old = delivery(db, webhook, "succeeded", "2026-11-30T07:00:00Z");
        String others = delivery(db, other, "succeeded", "2026-11-30T09:00:00Z");

        attempt(db, old, webhook, 1, "2026-11-30T07:59:59.999Z", 200, 1); // before the window
        for (int i = 1; i <= 20; i++) { // 08:00 to 08:19, durations 1 to 20 ms, all 2xx
            attempt(db, failed, webhook, 1 + i, "2026-11-30T08:%02d:00Z".formatted(i - 1), 200 + i % 5, i);
        }
        attempt(db, failed, webhook, 22, "2026-11-30T09:00:00Z", 500, 100);
        attempt(db, failed, webhook, 23, "2026-11-30T09:30:00Z", null, 3000);
        attempt(db, failed, webhook, 24, "2026-11-30T09:59:59.999Z", 204, 50);
        attempt(db, others, other, 1, "2026-11-30T09:30:00Z", 500, 7); // another webhook's
        attempt(db, pending, webhook, 1, "2026-11-30T11:30:00Z", 500, 9); // past the window's end

        WebhookHealth health = new HealthQuery(db.dataSource, Clock.fixed(NOW, ZoneOffset.UTC)).of(webhook, 3);

        assertThat(health.from()).isEqualTo("2026-11-30T08:00:00Z");
        assertThat(health.to()).isEqualTo("2026-11-30T10:30:00Z");
        assertThat(health.hourly()).containsExactly(
                // 1..20: the 10th value reaches 50 %, the 19th 95 %
                new WebhookHealth.Hour("2026-11-30T08:00:00Z", 20, 0, 0, 10L, 19L),
                // 50, 100, 3000: 100 is the first to reach 50 % (2/3), 3000 the first to reach 95 %
                new WebhookHealth.Hour("2026-11-30T09:00:00Z", 1, 1, 1, 100L, 3000L),
                new WebhookHealth.Hour("2026-11-30T10:00:00Z", 0, 0, 0, null, null));
        // 23 attempts: 1..20, 50, 100, 3000; the 12th reaches 50 %, the 22nd 95 % (22/23 = 0.957)
        assertThat(health.attempts()).isEqualTo(new WebhookHealth.Totals(23, 21, 1, 1, 0.913, 12L, 100L));
        assertThat(health.deliveries()).isEqualTo(new WebhookHealth.Deliveries(2, 1, 0, 1));
    }

    @Test
    void countsFirstAttemptsKeptInTheirDeliveriesRowsBesideTheRowsOfAttempts() throws Exception {
        DeliveryDatabase db = database();
        String webhook = db.webhook("project_created", "http://127.0.0.1:9/").insert();
        // created before the window, first attempt in it (within the hour the writer keeps such attempts for)
        firstAttempt(db, delivery(db, webhook, "succeeded", "2026-11-30T07:30:00Z"), "2026-11-30T08:10:00Z", 200, 4);
        // first attempt before the window
        firstAttempt(db, delivery(db, webhook, "succeeded", "2026-11-30T07:00:00Z"), "2026-11-30T07:59:00Z", 200, 1);
        String retried = delivery(db, webhook, "succeeded", "2026-11-30T09:00:00Z");
        firstAttempt(db, retried, "2026-11-30T09:00:01Z", 204, 6);
        attempt(db, retried, webhook, 2, "2026-11-30T09:20:00Z", 500, 8); // a redelivery's, a row of attempts
        firstAttempt(db, delivery(db, webhook, "succeeded", "2026-11-30T10:29:00Z"), "2026-11-30T10:29:01Z", 201, 2);

        WebhookHealth health = new HealthQuery(db.dataSource, Clock.fixed(NOW, ZoneOffset.UTC)).of(webhook, 3);

        assertThat(health.hourly()).containsExactly(
                new WebhookHealth.Hour("2026-11-30T08:00:00Z", 1, 0, 0, 4L, 4L),
                // 6, 8: 6 reaches 50 %, 8 reaches 95 %
                new WebhookHealth.Hour("2026-11-30T09:00:00Z", 1, 1, 0, 6L, 8L),
                new WebhookHealth.Hour("2026-11-30T10:00:00Z", 1, 0, 0, 2L, 2L));
        // 2, 4, 6, 8: the 2nd reaches 50 %, the 4th 95 %
        assertThat(health.attempts()).isEqualTo(new WebhookHealth.Totals(4, 3, 1, 0, 0.75, 4L, 8L));
    }

    @Test
    void aWebhookWithoutAttemptsHasEmptyHoursAndNoRate() throws Exception {
        DeliveryDatabase db = database();
        String webhook = db.webhook("tag_created", "http://127.0.0.1:9/").insert();

        WebhookHealth health = new HealthQuery(db.dataSource, Clock.fixed(NOW, ZoneOffset.UTC)).of(webhook, 168);

        assertThat(health.hourly()).hasSize(168);
        assertThat(health.hourly().get(0).hour()).isEqualTo("2026-11-23T11:00:00Z");
        assertThat(health.hourly().get(167).hour()).isEqualTo("2026-11-30T10:00:00Z");
        assertThat(health.attempts()).isEqualTo(new WebhookHealth.Totals(0, 0, 0, 0, null, null, null));
        assertThat(health.deliveries()).isEqualTo(new WebhookHealth.Deliveries(0, 0, 0, 0));
    }

    private static String delivery(DeliveryDatabase db, String webhook, String status, String createdAt) {
        String event = ObjectId.next();
        long created = Instant.parse(createdAt).toEpochMilli();
        db.update("INSERT INTO webhook_events (id, event_name, event_timestamp, body, created_at)"
                + " VALUES (?, ?, 0, ?, ?)", event, "project_created", "{}".getBytes(), created);
        String id = ObjectId.next();
        db.update("INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_name, status, attempts, created_at,"
                + " updated_at) VALUES (?, ?, ?, 'project_created', ?, 0, ?, ?)", id, webhook, event, status, created,
                created);
        return id;
    }

    /** A delivery's first attempt, succeeded, kept in the delivery's row as the writer keeps it. */
    private static void firstAttempt(DeliveryDatabase db, String delivery, String at, int statusCode, long durationMs) {
        db.update("UPDATE webhook_deliveries SET first_attempt_at = ?, first_duration_ms = ?, first_status_code = ?"
                + " WHERE id = ?", Instant.parse(at).toEpochMilli(), durationMs, statusCode, delivery);
    }

    private static void attempt(DeliveryDatabase db, String delivery, String webhook, int number, String at,
                                Integer statusCode, long durationMs) {
        db.update("INSERT INTO webhook_attempts (delivery_id, webhook_id, attempt_no, at, duration_ms, status_code,"
                + " error) VALUES (?, ?, ?, ?, ?, ?, ?)", delivery, webhook, number, Instant.parse(at).toEpochMilli(),
                durationMs, statusCode, statusCode == null ? "timed out" : null);
    }
}
