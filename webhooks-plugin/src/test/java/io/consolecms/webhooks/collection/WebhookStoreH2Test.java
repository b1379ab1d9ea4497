package io.consolecms.webhooks.collection;

import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

class WebhookStoreH2Test extends WebhookStoreContract {

    private final JdbcDataSource dataSource = new JdbcDataSource();

    WebhookStoreH2Test() {
        dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    @Override
    DataSource dataSource() {
        return dataSource;
    }
}
