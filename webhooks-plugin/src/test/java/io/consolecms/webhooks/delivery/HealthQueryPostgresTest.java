package io.consolecms.webhooks.delivery;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** {@link HealthQueryContract} on a real PostgreSQL: a fresh database per test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthQueryPostgresTest extends HealthQueryContract {

    private EmbeddedPostgres postgres;

    @BeforeAll
    void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    DeliveryDatabase database() {
        String name = "health_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            connection.createStatement().execute("CREATE DATABASE " + name);
        } catch (Exception failure) {
            throw new IllegalStateException(failure);
        }
        return new DeliveryDatabase(postgres.getDatabase("postgres", name));
    }
}
