package io.consolecms.webhooks.delivery;

import static io.consolecms.webhooks.delivery.Events.event;
import static io.consolecms.webhooks.delivery.Events.projectCreated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consolecms.plugin.ConsoleEvent;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventIngestTest {

    private final DeliveryDatabase db = new DeliveryDatabase();
    private final DatabaseOnly handoff = new DatabaseOnly();
    private final AtomicInteger wakes = handoff.spills;
    private final EventIngest ingest = new EventIngest(db.dataSource, handoff, Clock.systemUTC());

    @AfterEach
    void stopIngest() {
        ingest.close();
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
        assertThat(wakes).hasValue(1);
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
}
