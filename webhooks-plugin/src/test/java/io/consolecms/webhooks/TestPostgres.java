package io.consolecms.webhooks;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A real PostgreSQL for tests: zonky's embedded binaries, started on a free port. When the build runs as root (as in
 * containers), zonky itself runs {@code initdb} and {@code postgres} in a user namespace ({@code unshare -U}), since
 * PostgreSQL refuses to run as root; that needs unprivileged user namespaces, which a container's seccomp profile
 * may forbid.
 */
public final class TestPostgres implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private TestPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts a server. */
    public static TestPostgres start() throws IOException {
        return new TestPostgres(EmbeddedPostgres.builder().start());
    }

    /** A new, empty database of the server. */
    public DataSource newDatabase() throws SQLException {
        String name = "test_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            connection.createStatement().execute("CREATE DATABASE " + name);
        }
        return postgres.getDatabase("postgres", name);
    }

    /** Stops the server and deletes its data. */
    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
