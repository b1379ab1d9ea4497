package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.webhooks.ObjectId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link BulkRedelivery} against a real database, through the real writer: more deliveries than a page holds, with
 * filters that leave some out, all counted exactly once.
 */
abstract class BulkRedeliveryContract {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private static final Instant SINCE = Instant.parse("2026-11-30T08:00:00Z");

    /** A fresh, migrated database. */
    abstract DeliveryDatabase database();

    @Test
    void redeliversEverySelectedDeliveryAcrossPagesAndLeavesTheOthers() throws Exception {
        DeliveryDatabase db = database();
        String published = db.webhook("project_created", "http://127.0.0.1:9/").insert();
        String draft = db.webhook("project_created", "http://127.0.0.1:9/").state("DRAFT").insert();
        int selected = 2 * BulkRedelivery.PAGE + 3;
        insert(db, published, "project_created", "failed", "2026-11-30T08:30:00Z", selected);
        insert(db, published, "project_created", "failed", "2026-11-30T07:59:59.999Z", 5); // before since
        insert(db, published, "project_created", "failed", "2026-11-30T09:30:00Z", 4); // at or after until
        insert(db, published, "tag_created", "failed", "2026-11-30T08:30:00Z", 6); // another event
        insert(db, published, "project_created", "succeeded", "2026-11-30T08:30:00Z", 7); // another status
        insert(db, draft, "project_created", "failed", "2026-11-30T08:30:00Z", 8); // a webhook not published
        AtomicInteger wakes = new AtomicInteger();

        int queued;
        try (GroupCommit writer = new GroupCommit(db.dataSource)) {
            BulkRedelivery bulk = new BulkRedelivery(db.dataSource, writer, wakes::incrementAndGet,
                    Clock.fixed(NOW, ZoneOffset.UTC));
            RedeliveryFilter filter = new RedeliveryFilter(SINCE, Instant.parse("2026-11-30T09:30:00Z"),
                    DeliveryStatus.FAILED, "project_created", null);
            queued = bulk.redeliver(filter, true);
            assertThat(bulk.redeliver(filter, true)).as("nothing left failed to select").isZero();
        }

        assertThat(queued).isEqualTo(selected);
        assertThat(wakes.get()).as("the dispatcher is woken as pages commit").isGreaterThanOrEqualTo(3);
        Map<String, Object> counts = db.rows("SELECT COUNT(*) AS n, MIN(next_attempt_at) AS due,"
                + " MIN(updated_at) AS updated FROM webhook_deliveries WHERE status = 'pending'").get(0);
        assertThat(((Number) counts.get("n")).intValue()).isEqualTo(selected);
        assertThat(((Number) counts.get("due")).longValue()).isEqualTo(NOW.toEpochMilli());
        assertThat(db.rows("SELECT id FROM webhook_deliveries WHERE status = 'pending' AND webhook_id <> ?",
                published)).isEmpty();
        assertThat(db.rows("SELECT id FROM webhook_deliveries WHERE status = 'pending' AND round_start <> attempts"))
                .as("a fresh attempt budget").isEmpty();
        assertThat(db.rows("SELECT id FROM webhook_deliveries WHERE status = 'failed'")).hasSize(5 + 4 + 6 + 8);
    }

    @Test
    void oneWebhooksSucceededDeliveriesWhateverItsState() throws Exception {
        DeliveryDatabase db = database();
        String draft = db.webhook("tag_created", "http://127.0.0.1:9/").state("DRAFT").insert();
        String other = db.webhook("tag_created", "http://127.0.0.1:9/").insert();
        insert(db, draft, "tag_created", "succeeded", "2026-11-30T09:00:00Z", 3);
        insert(db, other, "tag_created", "succeeded", "2026-11-30T09:00:00Z", 2);

        try (GroupCommit writer = new GroupCommit(db.dataSource)) {
            BulkRedelivery bulk = new BulkRedelivery(db.dataSource, writer, () -> { },
                    Clock.fixed(NOW, ZoneOffset.UTC));
            assertThat(bulk.redeliver(new RedeliveryFilter(SINCE, NOW, DeliveryStatus.SUCCEEDED, null, draft), true))
                    .as("published only").isZero();
            assertThat(bulk.redeliver(new RedeliveryFilter(SINCE, NOW, DeliveryStatus.SUCCEEDED, null, draft), false))
                    .isEqualTo(3);
        }
        assertThat(db.rows("SELECT id FROM webhook_deliveries WHERE status = 'pending' AND webhook_id = ?", draft))
                .hasSize(3);
        assertThat(db.rows("SELECT id FROM webhook_deliveries WHERE status = 'succeeded'")).hasSize(2);
    }

    /** {@code count} deliveries of one event each, all created at {@code createdAt}, with two attempts spent. */
    private static void insert(DeliveryDatabase db, String webhook, String eventName, String status, String createdAt,
                               int count) throws Exception {
        long created = Instant.parse(createdAt).toEpochMilli();
        try (Connection connection = db.dataSource.getConnection();
             PreparedStatement event = connection.prepareStatement("INSERT INTO webhook_events (id, event_name,"
                     + " event_timestamp, body, created_at) VALUES (?, ?, 0, ?, ?)");
             PreparedStatement delivery = connection.prepareStatement("INSERT INTO webhook_deliveries (id,"
                     + " webhook_id, event_id, event_name, status, attempts, created_at, updated_at)"
                     + " VALUES (?, ?, ?, ?, ?, 2, ?, ?)")) {
            for (int i = 0; i < count; i++) {
                String eventId = ObjectId.next();
                event.setString(1, eventId);
                event.setString(2, eventName);
                event.setBytes(3, "{}".getBytes());
                event.setLong(4, created);
                event.addBatch();
                delivery.setString(1, ObjectId.next());
                delivery.setString(2, webhook);
                delivery.setString(3, eventId);
                delivery.setString(4, eventName);
                delivery.setString(5, status);
                delivery.setLong(6, created);
                delivery.setLong(7, created);
                delivery.addBatch();
            }
            event.executeBatch();
            delivery.executeBatch();
        }
    }
}
