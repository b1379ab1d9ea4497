package io.consolecms.webhooks.delivery;

import static io.consolecms.webhooks.delivery.Events.event;
import static io.consolecms.webhooks.delivery.Events.projectCreated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.consolecms.plugin.ConsoleEvent;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventIngestTest {

    private final DeliveryDatabase db = new DeliveryDatabase();
    private final DatabaseOnly handoff = new DatabaseOnly();
    private final AtomicInteger wakes = handoff.spills;
    private final GroupCommit writer = new GroupCommit(db.dataSource);
    private final EventIngest ingest = new EventIngest(writer, handoff, Clock.systemUTC());

    @AfterEach
    void stopWriter() {
        writer.close();
    }

    @Test
    void instanceCompanyAndProjectScopedWebhooksReceiveWhatTheirScopeCovers() throws Exception {
        String instance = db.webhook("project_created", "http://a.test/").insert();
        String company = db.webhook("project_created", "http://b.test/").tenant("acme").insert();
        String project = db.webhook("project_created", "http://c.test/").tenant("acme").project("p1").insert();
        String otherCompany = db.webhook("project_created", "http://d.test/").tenant("globex").insert();
        String otherProject = db.webhook("project_created", "http://e.test/").tenant("acme").project("p2").insert();
        String projectOnly = db.webhook("project_created", "http://f.test/").project("p1").insert();
        String otherEvent = db.webhook("service_created", "http://g.test/").insert();

        ConsoleEvent event = projectCreated("acme", "p1");
        int stored = ingest.onEvent(event);

        assertThat(stored).isEqualTo(4);
        assertThat(db.deliveredWebhooks(event.id()))
                .containsExactlyInAnyOrder(instance, company, project, projectOnly)
                .doesNotContain(otherCompany, otherProject, otherEvent);
        // the publisher is answered before its deliveries are handed on, so the hand-off may come just after
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(wakes).hasValue(1));
    }

    @Test
    void userEventsFindTheirCompanyInCompanyIdOrInTheResource() throws Exception {
        String acme = db.webhook("company_user_added", "http://a.test/").tenant("acme").insert();
        String acmeProject = db.webhook("project_user_added", "http://b.test/").tenant("acme").project("p1").insert();

        ConsoleEvent legacy = event("{\"eventName\":\"company_user_added\",\"eventTimestamp\":1,"
                + "\"payload\":{\"companyId\":\"acme\",\"userId\":\"u1\",\"email\":\"u@x.test\"}}");
        ConsoleEvent withResource = event("{\"eventName\":\"project_user_added\",\"eventTimestamp\":1,"
                + "\"payload\":{\"userId\":\"u1\",\"resource\":{\"companyId\":\"acme\",\"projectId\":\"p1\"}}}");
        ConsoleEvent elsewhere = event("{\"eventName\":\"company_user_added\",\"eventTimestamp\":1,"
                + "\"payload\":{\"userId\":\"u1\",\"resource\":{\"companyId\":\"globex\"}}}");

        assertThat(ingest.onEvent(legacy)).isEqualTo(1);
        assertThat(db.deliveredWebhooks(legacy.id())).containsExactly(acme);
        assertThat(ingest.onEvent(withResource)).isEqualTo(1);
        assertThat(db.deliveredWebhooks(withResource.id())).containsExactly(acmeProject);
        assertThat(ingest.onEvent(elsewhere)).isZero();
    }

    @Test
    void draftAndTrashedWebhooksReceiveNothing() throws Exception {
        db.webhook("project_created", "http://a.test/").state("DRAFT").insert();
        db.webhook("project_created", "http://b.test/").state("TRASH").insert();
        db.webhook("project_created", "http://c.test/").state("DELETED").insert();

        ConsoleEvent event = projectCreated("acme", "p1");

        assertThat(ingest.onEvent(event)).isZero();
        assertThat(db.rows("SELECT * FROM webhook_events")).isEmpty();
        assertThat(wakes).hasValue(0);
    }

    @Test
    void storesTheEventBytesExactlyAndOnePendingDeliveryDueNowPerMatch() throws Exception {
        String webhook = db.webhook("project_created", "http://a.test/").insert();
        ConsoleEvent event = event("{ \"eventName\" : \"project_created\", \"eventTimestamp\": 7,"
                + " \"payload\": {\"tenantId\": \"acme\", \"note\": \"caf\u00e9\"} }");
        long before = System.currentTimeMillis();

        ingest.onEvent(event);

        var stored = db.rows("SELECT * FROM webhook_events WHERE id = ?", event.id()).get(0);
        assertThat((byte[]) stored.get("body")).isEqualTo(event.json());
        assertThat(stored.get("event_timestamp")).isEqualTo(7L);
        var delivery = db.deliveriesOf(webhook).get(0);
        assertThat(delivery).containsEntry("status", "pending").containsEntry("attempts", 0)
                .containsEntry("event_name", "project_created");
        assertThat((Long) delivery.get("next_attempt_at")).isBetween(before, System.currentTimeMillis());
        assertThat(delivery.get("lease_owner")).isNull();
    }

    @Test
    void storesTheEventWithAllItsDeliveriesOrNothing() {
        db.webhook("project_created", "http://a.test/").insert();
        db.webhook("project_created", "http://b.test/").insert();
        // the second delivery insert of the batch fails, after the event row was written
        db.update("ALTER TABLE webhook_deliveries ADD CONSTRAINT one_delivery_per_event UNIQUE (event_id)");
        ConsoleEvent event = projectCreated("acme", "p1");

        assertThatThrownBy(() -> ingest.onEvent(event)).isInstanceOf(SQLException.class);

        assertThat(db.rows("SELECT * FROM webhook_events")).isEmpty();
        assertThat(db.rows("SELECT * FROM webhook_deliveries")).isEmpty();
        assertThat(wakes).hasValue(0);
    }

    @Test
    void anUnavailableDatabaseIsAnExceptionSoThatThePublisherAnswers503() {
        db.webhook("project_created", "http://a.test/").insert();
        db.update("DROP TABLE webhook_attempts");
        db.update("DROP TABLE webhook_deliveries");

        assertThatThrownBy(() -> ingest.onEvent(projectCreated("acme", "p1"))).isInstanceOf(SQLException.class);
        assertThat(db.rows("SELECT * FROM webhook_events")).isEmpty();
    }

    @Test
    void eventsWithoutScopeReachOnlyInstanceWideWebhooks() throws Exception {
        String instance = db.webhook("tag_created", "http://a.test/").insert();
        db.webhook("tag_created", "http://b.test/").tenant("acme").insert();

        ConsoleEvent event = event("{\"eventName\":\"tag_created\",\"eventTimestamp\":1,\"payload\":{}}");

        assertThat(ingest.onEvent(event)).isEqualTo(1);
        assertThat(db.deliveredWebhooks(event.id())).isEqualTo(List.of(instance));
    }

    @Test
    void concurrentPublishersEachGetTheirOwnCountOnceStored() throws Exception {
        String webhook = db.webhook("tag_created", "http://a.test/").insert();
        int publishers = 16;
        int each = 25;
        ExecutorService threads = Executors.newFixedThreadPool(publishers);
        List<Future<Integer>> counts = new ArrayList<>();
        for (int i = 0; i < publishers * each; i++) {
            ConsoleEvent event = event("{\"eventName\":\"tag_created\",\"eventTimestamp\":" + i + ",\"payload\":{}}");
            counts.add(threads.submit(() -> ingest.onEvent(event)));
        }
        for (Future<Integer> count : counts) {
            assertThat(count.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
        threads.shutdown();

        assertThat(db.deliveriesOf(webhook)).hasSize(publishers * each);
        assertThat(db.rows("SELECT id FROM webhook_events")).hasSize(publishers * each);
    }

    @Test
    void anEventThatCannotBeStoredFailsAloneNotTheEventsCommittedWithIt() throws Exception {
        db.webhook("project_created", "http://a.test/").insert();
        db.webhook("project_created", "http://b.test/").insert();
        String tags = db.webhook("tag_created", "http://c.test/").insert();
        // an event with two deliveries breaks this constraint; one with a single delivery does not
        db.update("ALTER TABLE webhook_deliveries ADD CONSTRAINT one_delivery_per_event UNIQUE (event_id)");
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<Integer>> good = new ArrayList<>();
        List<Future<Integer>> bad = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ConsoleEvent tag = event("{\"eventName\":\"tag_created\",\"eventTimestamp\":" + i + ",\"payload\":{}}");
            good.add(threads.submit(() -> ingest.onEvent(tag)));
            ConsoleEvent project = projectCreated("acme", "p" + i);
            bad.add(threads.submit(() -> ingest.onEvent(project)));
        }
        for (Future<Integer> count : good) {
            assertThat(count.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        }
        for (Future<Integer> count : bad) {
            assertThatThrownBy(() -> count.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(SQLException.class);
        }
        threads.shutdown();

        assertThat(db.deliveriesOf(tags)).hasSize(40);
        assertThat(db.rows("SELECT id FROM webhook_deliveries")).hasSize(40);
        assertThat(db.rows("SELECT id FROM webhook_events")).hasSize(40);
    }

    @Test
    void deliveriesWithAPlaceInMemoryAreStoredLeasedAndHandedOverOnlyAfterTheCommit() throws Exception {
        String webhook = db.webhook("project_created", "http://a.test/hook").secret("s3cret").insert();
        db.webhook("project_created", "http://b.test/").insert();
        List<String> log = new CopyOnWriteArrayList<>();
        DeliveryHandoff roomForA = new DeliveryHandoff() {
            @Override
            public String owner() {
                return "this-host";
            }

            @Override
            public Duration lease() {
                return Duration.ofMinutes(1);
            }

            @Override
            public String reserve(String target, int bodyBytes) {
                return target.startsWith("http://a.test") ? "place-a" : null;
            }

            @Override
            public void unreserve(String place, int bodyBytes) {
                log.add("unreserve " + place);
            }

            @Override
            public void admit(String place, ClaimedDelivery delivery) {
                // handed over after the commit: another connection sees the delivery already
                log.add("admit " + place + " " + delivery.id() + " " + db.deliveriesOf(delivery.webhookId()).size()
                        + " " + delivery.secrets().current() + " " + new String(delivery.body(), StandardCharsets.UTF_8));
            }

            @Override
            public void spilled(long dueAt) {
                log.add("spilled");
            }
        };
        ConsoleEvent event = projectCreated("acme", "p1");
        long before = System.currentTimeMillis();
        EventIngest handing = new EventIngest(writer, roomForA, Clock.systemUTC());
        assertThat(handing.onEvent(event)).isEqualTo(2);

        var leased = db.deliveriesOf(webhook).get(0);
        assertThat(leased).containsEntry("lease_owner", "this-host");
        assertThat((Long) leased.get("lease_expires_at")).isGreaterThanOrEqualTo(before + 60_000);
        // handed over on the writer's thread just after the publisher is told, not before
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(log).containsExactly(
                "admit place-a " + leased.get("id") + " 1 s3cret " + event.jsonText(), "spilled"));
        assertThat(db.rows("SELECT id FROM webhook_deliveries WHERE lease_owner IS NULL")).hasSize(1);
    }
}
