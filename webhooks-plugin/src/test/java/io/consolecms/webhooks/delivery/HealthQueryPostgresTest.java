package io.consolecms.webhooks.delivery;

import io.consolecms.webhooks.TestPostgres;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** {@link HealthQueryContract} on a real PostgreSQL: a fresh database per test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthQueryPostgresTest extends HealthQueryContract {

    private TestPostgres postgres;

    @BeforeAll
    void start() throws Exception {
        postgres = TestPostgres.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    DeliveryDatabase database() {
        try {
            return new DeliveryDatabase(postgres.newDatabase());
        } catch (SQLException failure) {
            throw new IllegalStateException(failure);
        }
    }
}
