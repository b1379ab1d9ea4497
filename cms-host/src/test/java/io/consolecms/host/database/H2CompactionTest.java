package io.consolecms.host.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2CompactionTest {

    @TempDir
    Path folder;

    @Test
    void onlyEmbeddedFilesAreCompacted() {
        assertThat(H2Compaction.isEmbeddedFile("jdbc:h2:file:./data/cms;WRITE_DELAY=0")).isTrue();
        assertThat(H2Compaction.isEmbeddedFile("jdbc:h2:./data/cms")).isTrue();
        assertThat(H2Compaction.isEmbeddedFile("JDBC:H2:FILE:/var/cms")).isTrue();
        assertThat(H2Compaction.isEmbeddedFile("jdbc:h2:mem:test")).isFalse();
        assertThat(H2Compaction.isEmbeddedFile("jdbc:h2:tcp://db:9092/cms")).isFalse();
        assertThat(H2Compaction.isEmbeddedFile("jdbc:h2:ssl://db:9092/cms")).isFalse();
        assertThat(H2Compaction.isEmbeddedFile("jdbc:postgresql://db/cms")).isFalse();
    }

    @Test
    void compactsWhileTheStoreIsQuietOrOnceItsChunksAreMostlyDead() {
        assertThat(H2Compaction.shouldCompact(0, 40)).isTrue();
        assertThat(H2Compaction.shouldCompact(H2Compaction.BUSY_CHUNKS_PER_SECOND - 1, 40)).isTrue();
        assertThat(H2Compaction.shouldCompact(H2Compaction.BUSY_CHUNKS_PER_SECOND, 40)).isFalse();
        assertThat(H2Compaction.shouldCompact(500, H2Compaction.FLOOR_FILL_RATE - 1)).isTrue();
        assertThat(H2Compaction.shouldCompact(0, H2Compaction.TARGET_FILL_RATE)).isFalse();
    }

    /**
     * Commits as the host does (WRITE_DELAY=0, many small transactions adding to a table that only grows and to one
     * whose rows come and go): without compaction most of what the chunks hold is dead and stays so; rounds of
     * compaction bring it back over the target.
     */
    @Test
    void roundsRaiseTheLiveShareOfAFileThatSmallCommitsLeftMostlyDead() throws SQLException {
        JdbcDataSource dataSource = new JdbcDataSource();
        // RETENTION_TIME=0: chunks may be rewritten at once, rather than 45 s after they were written
        dataSource.setURL("jdbc:h2:file:" + folder.resolve("cms") + ";WRITE_DELAY=0;PAGE_SIZE=16384;RETENTION_TIME=0");
        dataSource.setUser("sa");
        try (Connection keepOpen = dataSource.getConnection();
             H2Compaction compaction = new H2Compaction(dataSource)) {
            try (Statement statement = keepOpen.createStatement()) {
                statement.execute("CREATE TABLE events (id BIGINT PRIMARY KEY, body VARCHAR(300))");
                statement.execute("CREATE TABLE pending (id BIGINT PRIMARY KEY, event_id BIGINT)");
                statement.execute("CREATE INDEX pending_by_event ON pending (event_id)");
            }
            commitSmallBatches(keepOpen, 0, 4_000);
            int dead = compaction.chunksFillRate();
            commitSmallBatches(keepOpen, 4_000, 200);
            int stillDead = compaction.chunksFillRate();

            int rounds = 0;
            while (rounds < 200 && compaction.chunksFillRate() < H2Compaction.TARGET_FILL_RATE) {
                compaction.compactOnce();
                commitSmallBatches(keepOpen, 1_000_000 + rounds, 1); // the rewritten pages are stored by a commit
                rounds++;
            }

            assertThat(dead).isLessThan(H2Compaction.TARGET_FILL_RATE);
            assertThat(stillDead).isLessThan(H2Compaction.TARGET_FILL_RATE);
            assertThat(compaction.chunksFillRate()).isGreaterThanOrEqualTo(H2Compaction.TARGET_FILL_RATE);
            try (Statement statement = keepOpen.createStatement();
                 var rows = statement.executeQuery("SELECT COUNT(*) FROM events")) {
                rows.next();
                assertThat(rows.getLong(1)).isEqualTo((4_200 + rounds) * 5L); // nothing lost on the way
            }
        }
    }

    /** {@code commits} transactions of 5 events each, each also adding 5 pending rows and removing the previous 5. */
    private static void commitSmallBatches(Connection connection, long first, int commits) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement event = connection.prepareStatement("INSERT INTO events VALUES (?, ?)");
             PreparedStatement pending = connection.prepareStatement("INSERT INTO pending VALUES (?, ?)");
             PreparedStatement settled = connection.prepareStatement("DELETE FROM pending WHERE id < ?")) {
            for (long commit = first; commit < first + commits; commit++) {
                for (int i = 0; i < 5; i++) {
                    long id = commit * 5 + i;
                    event.setLong(1, id);
                    event.setString(2, "x".repeat(250));
                    event.addBatch();
                    pending.setLong(1, id);
                    pending.setLong(2, id);
                    pending.addBatch();
                }
                event.executeBatch();
                pending.executeBatch();
                settled.setLong(1, commit * 5);
                settled.executeUpdate();
                connection.commit();
            }
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
