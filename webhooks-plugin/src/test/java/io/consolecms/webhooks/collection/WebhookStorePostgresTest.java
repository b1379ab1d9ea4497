package io.consolecms.webhooks.collection;

import io.consolecms.webhooks.TestPostgres;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class WebhookStorePostgresTest extends WebhookStoreContract {

    private static TestPostgres postgres;
    private static DataSource database;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = TestPostgres.start();
        database = postgres.newDatabase();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    DataSource dataSource() {
        return database;
    }

    @Override
    DataSource newDatabase() throws Exception {
        return postgres.newDatabase();
    }
}
