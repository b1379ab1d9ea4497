package io.consolecms.webhooks.collection;

import io.consolecms.webhooks.secrets.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.webhooks.Migrations;
import io.consolecms.webhooks.ObjectId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link WebhookStore} does, on whichever database a subclass gives it. */
abstract class WebhookStoreContract {

    private static final Set<WebhookState> ALL = EnumSet.allOf(WebhookState.class);

    private WebhookStore store;
    private DataSource dataSource;
    private long clock = 1_732_780_800_000L;

    /** The database under test, migrated or not; the same one at each call. */
    abstract DataSource dataSource() throws Exception;

    /** Another empty database of the same kind, not migrated; a new one at each call. */
    abstract DataSource newDatabase() throws Exception;

    @BeforeEach
    void migrateAndEmpty() throws Exception {
        dataSource = dataSource();
        Migrations.migrate(dataSource);
        Migrations.migrate(dataSource);
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute("DELETE FROM webhooks");
        }
        store = new WebhookStore(dataSource, TestKeys.box());
    }

    @Test
    void storesAndReadsBackEveryColumnExactly() throws Exception {
        String certificates = "Q".repeat(100_000);
        Webhook webhook = new Webhook(ObjectId.next(), "acme", "checkout", "configuration_saved",
                "https://hooks.example.com/ä?x=1", certificates, "sécret ✓ " + "s".repeat(240),
                "http://u:p@proxy.example.com:3128", WebhookState.DRAFT, 1_732_780_800_123L, 1_732_780_801_456L,
                "admin", "someone", new LastDelivery("succeeded", 1_732_780_802_789L, "configuration_saved", 204), 250,
                new Webhook.Disabled("every attempt failed", 1_732_780_803_000L));
        store.insert(webhook);
        assertThat(store.find(webhook.id(), ALL)).contains(webhook);
        Webhook bare = new Webhook(ObjectId.next(), null, null, "project_created", "http://x.example.com", null, null,
                null, WebhookState.PUBLIC, 1, 1, "public", "public", null, null, null);
        store.insert(bare);
        assertThat(store.find(bare.id(), ALL)).contains(bare);
    }

    @Test
    void findsOnlyInTheStatesAsked() throws Exception {
        Webhook trashed = insert("acme", "https://a.example.com/", WebhookState.TRASH);
        assertThat(store.find(trashed.id(), WebhookState.FOUND_BY_DEFAULT)).isPresent();
        assertThat(store.find(trashed.id(), WebhookState.LISTED_BY_DEFAULT)).isEmpty();
        assertThat(store.find(ObjectId.next(), ALL)).isEmpty();
    }

    @Test
    void listsWithFiltersStatesSortingAndPages() throws Exception {
        Webhook none = insert(null, "https://c.example.com/", WebhookState.PUBLIC);
        Webhook acme = insert("acme", "https://b.example.com/", WebhookState.PUBLIC);
        Webhook globex = insert("globex", "https://a.example.com/", WebhookState.DRAFT);
        Webhook trashed = insert("acme", "https://d.example.com/", WebhookState.TRASH);

        assertThat(ids(query(Map.of(), WebhookState.LISTED_BY_DEFAULT, List.of(), 10, 0)))
                .containsExactly(none.id(), acme.id(), globex.id());
        assertThat(ids(query(Map.of("tenantId", "acme"), ALL, List.of(), 10, 0)))
                .containsExactly(acme.id(), trashed.id());
        // a missing value sorts first, as in MongoDB, on both databases
        assertThat(ids(query(Map.of(), ALL, List.of(new WebhookQuery.SortKey("tenant_id", false),
                new WebhookQuery.SortKey("created_at", false)), 10, 0)))
                .containsExactly(none.id(), acme.id(), trashed.id(), globex.id());
        assertThat(ids(query(Map.of(), ALL, List.of(new WebhookQuery.SortKey("tenant_id", true),
                new WebhookQuery.SortKey("created_at", false)), 10, 0)))
                .containsExactly(globex.id(), acme.id(), trashed.id(), none.id());
        assertThat(ids(query(Map.of(), ALL, List.of(new WebhookQuery.SortKey("target", false)), 2, 1)))
                .containsExactly(acme.id(), none.id());
        assertThat(store.count(new WebhookQuery(Map.of(), ALL, List.of(), 1, 0))).isEqualTo(4);
        assertThat(store.count(new WebhookQuery(Map.of("tenantId", "acme", "target", "https://b.example.com/"), ALL,
                List.of(), 1, 0))).isEqualTo(1);
    }

    @Test
    void countsEachStateInOneQueryWithZeroForAStateWithNone() throws Exception {
        insert(null, "https://c.example.com/", WebhookState.PUBLIC);
        insert("acme", "https://b.example.com/", WebhookState.PUBLIC);
        insert("acme", "https://a.example.com/", WebhookState.DRAFT);

        assertThat(store.countByState(new WebhookQuery(Map.of(), WebhookState.FOUND_BY_DEFAULT, List.of(), 1, 0)))
                .isEqualTo(Map.of(WebhookState.PUBLIC, 2L, WebhookState.DRAFT, 1L, WebhookState.TRASH, 0L));
        assertThat(store.countByState(new WebhookQuery(Map.of("tenantId", "acme"), ALL, List.of(), 1, 0)))
                .isEqualTo(Map.of(WebhookState.PUBLIC, 1L, WebhookState.DRAFT, 1L, WebhookState.TRASH, 0L,
                        WebhookState.DELETED, 0L));
    }

    @Test
    void updatesTheWritableFieldsOnly() throws Exception {
        Webhook webhook = insert("acme", "https://a.example.com/", WebhookState.DRAFT);
        Webhook changed = new Webhook(webhook.id(), null, "p1", "tag_created", "https://b.example.com/", null, "s",
                null, WebhookState.PUBLIC, 99, tick(), "creator-ignored", "editor", null, 7, null);
        assertThat(store.update(changed, false)).isTrue();
        Webhook read = store.find(webhook.id(), ALL).orElseThrow();
        assertThat(read.input()).isEqualTo(changed.input());
        assertThat(read.state()).isEqualTo(WebhookState.DRAFT);
        assertThat(read.createdAt()).isEqualTo(webhook.createdAt());
        assertThat(read.creatorId()).isEqualTo(webhook.creatorId());
        assertThat(read.updatedAt()).isEqualTo(changed.updatedAt());
        assertThat(read.updaterId()).isEqualTo("editor");
        assertThat(store.update(changed.touched(1, "x").withInput(changed.input()), false)).isTrue();
        store.delete(webhook.id(), ALL);
        assertThat(store.update(changed, false)).isFalse();
    }

    @Test
    void movesStateOnlyFromTheStateItWasSeenIn() throws Exception {
        Webhook webhook = insert(null, "https://a.example.com/", WebhookState.PUBLIC);
        assertThat(store.moveState(webhook.id(), WebhookState.PUBLIC, WebhookState.TRASH, tick(), "admin")).isTrue();
        assertThat(store.moveState(webhook.id(), WebhookState.PUBLIC, WebhookState.DRAFT, tick(), "admin")).isFalse();
        Webhook read = store.find(webhook.id(), ALL).orElseThrow();
        assertThat(read.state()).isEqualTo(WebhookState.TRASH);
        assertThat(read.updaterId()).isEqualTo("admin");
    }

    @Test
    void deletesOnlyInTheStatesAsked() throws Exception {
        Webhook webhook = insert(null, "https://a.example.com/", WebhookState.DELETED);
        assertThat(store.delete(webhook.id(), WebhookState.FOUND_BY_DEFAULT)).isFalse();
        assertThat(store.delete(webhook.id(), EnumSet.of(WebhookState.DELETED))).isTrue();
        assertThat(store.find(webhook.id(), ALL)).isEmpty();
    }

    @Test
    void aLastDeliveryStoredInTheOldWordsReadsBackInTheDeliveryLogsWordsAfterTheUpgrade() throws Exception {
        DataSource database = newDatabase();
        // The schema as the releases before V3 left it. Same history table and scripts as Migrations: were they
        // different, Migrations.migrate below would find tables it did not make and fail.
        Flyway.configure(Migrations.class.getClassLoader()).dataSource(database)
                .table("webhooks_schema_history").locations("classpath:io/consolecms/webhooks/db")
                .target("2").load().migrate();
        String succeeded = ObjectId.next();
        String failed = ObjectId.next();
        String never = ObjectId.next();
        try (Connection connection = database.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO webhooks (id, event_name, target, "
                     + "state, created_at, updated_at, creator_id, updater_id, last_delivery_status, last_delivery_at, "
                     + "last_delivery_event, last_delivery_code) VALUES (?, 'project_created', 'https://a.example.com/', "
                     + "'PUBLIC', 1, 1, 'admin', 'admin', ?, 1732780800000, ?, ?)")) {
            insertLastDelivery(insert, succeeded, "success", 204);
            insertLastDelivery(insert, failed, "error", 503);
            insertLastDelivery(insert, never, null, null);
        }

        Migrations.migrate(database);

        WebhookStore upgraded = new WebhookStore(database, TestKeys.box());
        assertThat(upgraded.find(succeeded, ALL).orElseThrow().lastDelivery())
                .isEqualTo(new LastDelivery("succeeded", 1_732_780_800_000L, "project_created", 204));
        assertThat(upgraded.find(failed, ALL).orElseThrow().lastDelivery())
                .isEqualTo(new LastDelivery("failed", 1_732_780_800_000L, "project_created", 503));
        assertThat(upgraded.find(never, ALL).orElseThrow().lastDelivery()).isNull();
    }

    private static void insertLastDelivery(PreparedStatement insert, String id, String status, Integer code)
            throws SQLException {
        insert.setString(1, id);
        insert.setString(2, status);
        insert.setString(3, status == null ? null : "project_created");
        insert.setObject(4, code, Types.INTEGER);
        insert.executeUpdate();
    }

    private Webhook insert(String tenant, String target, WebhookState state) throws Exception {
        long at = tick();
        Webhook webhook = new Webhook(ObjectId.next(), tenant, null, "project_created", target, null, null, null,
                state, at, at, "admin", "admin", null, null, null);
        store.insert(webhook);
        return webhook;
    }

    private long tick() {
        clock += 1000;
        return clock;
    }

    private List<Webhook> query(Map<String, String> filters, Set<WebhookState> states,
                                List<WebhookQuery.SortKey> sort, int limit, int skip) throws Exception {
        return store.list(new WebhookQuery(filters, states, sort, limit, skip));
    }

    private static List<String> ids(List<Webhook> webhooks) {
        return webhooks.stream().map(Webhook::id).toList();
    }
}
