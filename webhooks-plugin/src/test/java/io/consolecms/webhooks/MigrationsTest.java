package io.consolecms.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class MigrationsTest {

    @Test
    void createsTheTablesWithAHistoryTableOfItsOwnAndIsIdempotent() throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection connection = dataSource.getConnection()) {
            // another plugin's table is already there: the plugin must not need an empty schema
            connection.createStatement().execute("CREATE TABLE other_plugin_things (id INT)");
        }
        Migrations.migrate(dataSource);
        Migrations.migrate(dataSource);
        try (Connection connection = dataSource.getConnection();
             ResultSet rows = connection.createStatement().executeQuery(
                     "SELECT COUNT(*) FROM \"" + Migrations.HISTORY_TABLE + "\" WHERE \"success\"")) {
            rows.next();
            assertThat(rows.getInt(1)).isGreaterThanOrEqualTo(1);
            connection.createStatement().executeQuery("SELECT COUNT(*) FROM webhooks, webhook_events, webhook_deliveries, webhook_attempts");
        }
    }
}
