package io.consolecms.webhooks.collection;

import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.webhooks.Migrations;
import io.consolecms.webhooks.ObjectId;
import io.consolecms.webhooks.secrets.TestKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admin UI's queries on 10,000 webhooks in H2 (the embedded database): each reads the index by state, and no more
 * rows than the states it asks for hold, as H2's own {@code EXPLAIN ANALYZE} counts them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListingIndexH2Test {

    private static final int PER_STATE = 2_500;
    private static final Set<WebhookState> TABS_ALL = EnumSet.of(WebhookState.PUBLIC, WebhookState.DRAFT,
            WebhookState.TRASH);
    private static final Pattern SCAN_COUNT = Pattern.compile("scanCount: (\\d+)");

    private final JdbcDataSource h2 = new JdbcDataSource();
    private WebhookStore store;

    @BeforeAll
    void storeTenThousandWebhooks() throws Exception {
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Migrations.migrate(h2);
        store = new WebhookStore(h2, TestKeys.box());
        long createdAt = 1_732_780_800_000L;
        for (WebhookState state : WebhookState.values()) {
            for (int i = 0; i < PER_STATE; i++) {
                store.insert(new Webhook(ObjectId.next(), "acme", null, "tag_created", "https://x.example.com/" + i,
                        null, null, null, state, createdAt + i, createdAt + i, "admin", "admin", null, null, null));
            }
        }
    }

    @Test
    void theCountsOfEveryTabReadTheIndexOfTheStatesAsked() throws Exception {
        WebhookQuery all = new WebhookQuery(Map.of(), TABS_ALL, List.of(), 1, 0);
        assertThat(store.countByState(all)).isEqualTo(Map.of(WebhookState.PUBLIC, (long) PER_STATE,
                WebhookState.DRAFT, (long) PER_STATE, WebhookState.TRASH, (long) PER_STATE));
        assertReadsTheIndex(ListingStatements.countByState(all), 3 * PER_STATE);
        assertReadsTheIndex(ListingStatements.count(new WebhookQuery(Map.of(), EnumSet.of(WebhookState.TRASH),
                List.of(), 1, 0)), PER_STATE);
    }

    @Test
    void aPageOfATabReadsTheIndexOfItsStatesNewestFirst() throws Exception {
        List<WebhookQuery.SortKey> newestFirst = List.of(new WebhookQuery.SortKey("created_at", true));
        WebhookQuery published = new WebhookQuery(Map.of(), EnumSet.of(WebhookState.PUBLIC), newestFirst, 25, 2_000);
        List<Webhook> page = store.list(published);
        assertThat(page).hasSize(25).allMatch(webhook -> webhook.state() == WebhookState.PUBLIC);
        assertThat(page.get(0).target()).isEqualTo("https://x.example.com/" + (PER_STATE - 1 - 2_000));
        assertReadsTheIndex(ListingStatements.listing(published, "id"), PER_STATE);
        assertReadsTheIndex(ListingStatements.listing(new WebhookQuery(Map.of(), TABS_ALL, newestFirst, 25, 0), "id"),
                3 * PER_STATE);
    }

    /** {@code select} reads {@code webhooks_by_state}, no table scan, and at most {@code rows} rows of it. */
    private void assertReadsTheIndex(ListingStatements.Select select, int rows) throws Exception {
        String plan;
        try (Connection connection = h2.getConnection();
             PreparedStatement explain = connection.prepareStatement("EXPLAIN ANALYZE " + select.sql())) {
            select.bind(explain);
            try (ResultSet result = explain.executeQuery()) {
                result.next();
                plan = result.getString(1);
            }
        }
        assertThat(plan).as(plan).contains("WEBHOOKS_BY_STATE").doesNotContain("tableScan");
        Matcher scanned = SCAN_COUNT.matcher(plan);
        assertThat(scanned.find()).as(plan).isTrue();
        // H2 counts the step past the range's end too
        assertThat(Integer.parseInt(scanned.group(1))).as(plan).isLessThanOrEqualTo(rows + 1);
    }
}
