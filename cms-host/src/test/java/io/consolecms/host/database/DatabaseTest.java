package io.consolecms.host.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    @TempDir
    Path folder;

    @Test
    void answersWhileTheEmbeddedDatabaseWorks() {
        try (Database database = open()) {
            assertThat(database.answers()).isTrue();
        }
    }

    /**
     * When an embedded H2 cannot write (a full disk, or earlier an out-of-memory error while it stored a commit), it
     * closes its store underneath the open sessions: every statement fails from then on, while the pooled connections
     * still say they are valid. The host must not go on saying that the database answers.
     */
    @Test
    void doesNotAnswerOnceTheEmbeddedStoreHasFailed() throws SQLException {
        try (Database database = open()) {
            try (Connection connection = database.dataSource().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE notes (id INT PRIMARY KEY)");
                statement.execute("INSERT INTO notes VALUES (1)");
                MVStore store = ((SessionLocal) connection.unwrap(JdbcConnection.class).getSession()).getDatabase()
                        .getStore().getMvStore();
                assertThatThrownBy(() -> store.panic(new IOException("No space left on device")))
                        .hasMessageContaining("No space left on device");
                assertThatThrownBy(() -> statement.execute("INSERT INTO notes VALUES (2)"))
                        .isInstanceOf(SQLException.class);
                assertThat(connection.isValid(2)).isTrue(); // what the pool's own check sees
            }

            assertThat(database.answers()).isFalse();
        }
    }

    private Database open() {
        return Database.open("jdbc:h2:file:" + folder.resolve("cms") + ";WRITE_DELAY=0", "sa", "",
                new SimpleMeterRegistry());
    }
}
