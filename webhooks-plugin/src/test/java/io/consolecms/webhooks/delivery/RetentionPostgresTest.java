package io.consolecms.webhooks.delivery;

import io.consolecms.webhooks.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The retention on a real PostgreSQL, the production database. */
class RetentionPostgresTest extends RetentionContract {

    private static TestPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Override
    DeliveryDatabase freshDatabase() throws Exception {
        return new DeliveryDatabase(postgres.newDatabase());
    }
}
