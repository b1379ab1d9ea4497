package io.consolecms.webhooks.collection;

import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

class WebhookStoreH2Test extends WebhookStoreContract {

    private final DataSource dataSource = newDatabase();

    @Override
    DataSource dataSource() {
        return dataSource;
    }

    @Override
    DataSource newDatabase() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return h2;
    }
}
