package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * The hot queries on deliveries read their index in its order on H2, so that a LIMIT stops the read: a query that
 * sorts instead reads every matching row first, which a backlog of 100,000 deliveries turns into the main cost of a
 * claim or of a page of the delivery log.
 */
class QueryPlansTest {

    private final DeliveryDatabase db = new DeliveryDatabase();

    @Test
    void aClaimReadsTheClaimableIndexInOrder() throws SQLException {
        String plan = explain(Outbox.dueDeliveriesSql(0), 1L, 1L, 1L, 500);
        assertThat(plan).containsIgnoringCase("WEBHOOK_DELIVERIES_CLAIMABLE").contains("index sorted");
        String excluding = explain(Outbox.dueDeliveriesSql(2), 1L, 1L, 1L, "w1", "w2", 500);
        assertThat(excluding).containsIgnoringCase("WEBHOOK_DELIVERIES_CLAIMABLE").contains("index sorted");
        // the events and webhooks are looked up by primary key for each due delivery, not scanned
        assertThat(plan).containsIgnoringCase("PRIMARY_KEY").doesNotContainIgnoringCase("tableScan");
    }

    @Test
    void aPageOfTheDeliveryLogReadsTheWebhooksIndexInOrder() throws SQLException {
        assertThat(explain(DeliveryLog.listSql(false), "w1", 20, 0)).contains("index sorted");
        assertThat(explain(DeliveryLog.listSql(true), "w1", "failed", 20, 0)).contains("index sorted");
    }

    @Test
    void theRetentionAndThePendingGaugeReadTheClaimableIndex() throws SQLException {
        assertThat(explain(Retention.CANDIDATES_SQL, "succeeded", 1L, 1L, 200))
                .containsIgnoringCase("WEBHOOK_DELIVERIES_CLAIMABLE").doesNotContainIgnoringCase("tableScan");
        assertThat(explain(PendingBacklog.COUNT_SQL)).containsIgnoringCase("WEBHOOK_DELIVERIES_CLAIMABLE")
                .doesNotContainIgnoringCase("tableScan");
    }

    private String explain(String sql, Object... parameters) throws SQLException {
        try (Connection connection = db.dataSource.getConnection();
             PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < parameters.length; i++) {
                explain.setObject(i + 1, parameters[i]);
            }
            try (ResultSet plan = explain.executeQuery()) {
                plan.next();
                String text = plan.getString(1);
                return text;
            }
        }
    }
}
