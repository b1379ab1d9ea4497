package io.consolecms.host.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an embedded H2 file from growing without end: rewrites the live pages of its most sparsely used chunks, at
 * most {@link #WRITE_BYTES} at a time, once less than {@link #TARGET_FILL_RATE} percent of what its chunks hold is
 * live. It does so while the store writes fewer than {@link #BUSY_CHUNKS_PER_SECOND} chunks a second (one per commit),
 * or whatever the load once the fill rate falls under {@link #FLOOR_FILL_RATE}; after each round it pauses
 * {@link #PAUSE_FACTOR} times as long as the round took, and at least {@link #INTERVAL}.
 *
 * <p>H2 does this from its background writer thread, which it runs only when commits may be written late
 * ({@code WRITE_DELAY} above 0). The host opens H2 with {@code WRITE_DELAY=0}, so that a commit is on disk before it
 * is acknowledged, and then nothing compacts: every commit writes a new chunk, a chunk is reused only once none of its
 * pages is live, and a chunk that holds one page of a table that only grows (the events, the deliveries) never gets
 * there. Measured with a steady publisher, the file grew by about 3 KB per event stored, with 22 % of its chunks' bytes
 * live. The rewritten pages go into the next commit's chunk; the chunks they left are reused once their other pages are
 * dead too. The file does not shrink while the host runs. Under a burst it grows as before, and the rounds catch up
 * once the load eases: rewriting 4 MB every second under full load cost about a third of the ingest rate of a 2-core
 * machine in one run, and 1 MB rounds paced as here but not held back by load about a sixth.
 */
final class H2Compaction implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final int PAUSE_FACTOR = 19;
    static final int TARGET_FILL_RATE = 50;
    static final int FLOOR_FILL_RATE = 10;
    static final int BUSY_CHUNKS_PER_SECOND = 50;
    static final int WRITE_BYTES = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(H2Compaction.class);

    private final DataSource dataSource;
    private final ScheduledExecutorService timer;
    private volatile boolean warned;
    /** The store's write count and the time it was read, at the last round; only the timer's thread uses them. */
    private long lastWrites = -1;
    private long lastAt;

    H2Compaction(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "h2-compaction");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Whether {@code url} opens an H2 database file in this process (not in memory, not on a server). */
    static boolean isEmbeddedFile(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:h2:")) {
            return false;
        }
        String rest = lower.substring("jdbc:h2:".length());
        return !rest.startsWith("mem:") && !rest.startsWith("tcp:") && !rest.startsWith("ssl:");
    }

    /** Starts compacting the embedded H2 database behind {@code dataSource}. */
    static H2Compaction start(DataSource dataSource) {
        H2Compaction compaction = new H2Compaction(dataSource);
        compaction.timer.schedule(compaction::round, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return compaction;
    }

    private void round() {
        long started = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            MVStore store = storeOf(connection);
            long writes = store.getFileStore().getWriteCount();
            double perSecond = lastWrites < 0 ? 0 : (writes - lastWrites) * 1e9 / Math.max(1, started - lastAt);
            lastWrites = writes;
            lastAt = started;
            if (shouldCompact(perSecond, store.getFileStore().getChunksFillRate()) && compactOnce()) {
                store.commit(); // stores the rewritten pages now, not at the next commit, which may be long in coming
            }
        } catch (SQLException | RuntimeException failure) {
            warnOnce(failure);
        }
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        try {
            timer.schedule(this::round, Math.max(INTERVAL.toMillis(), PAUSE_FACTOR * took), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // the host is stopping
        }
    }

    /**
     * Whether to compact now, with the store writing {@code chunksPerSecond} chunks a second and {@code fillRate}
     * percent of its chunks' bytes live.
     */
    static boolean shouldCompact(double chunksPerSecond, int fillRate) {
        return fillRate < TARGET_FILL_RATE && (chunksPerSecond < BUSY_CHUNKS_PER_SECOND || fillRate < FLOOR_FILL_RATE);
    }

    /**
     * Rewrites up to {@link #WRITE_BYTES} of live pages out of the sparsest chunks, if the chunks' fill rate is under
     * {@link #TARGET_FILL_RATE}.
     *
     * @return whether any chunk was rewritten
     */
    boolean compactOnce() {
        try (Connection connection = dataSource.getConnection()) {
            MVStore store = storeOf(connection);
            return store.isClosed() ? false : store.compact(TARGET_FILL_RATE, WRITE_BYTES);
        } catch (SQLException | RuntimeException failure) {
            warnOnce(failure);
            return false;
        }
    }

    private void warnOnce(Exception failure) {
        if (!warned) {
            warned = true;
            LOG.warn("Could not compact the H2 database file; trying again every {} s: {}", INTERVAL.toSeconds(),
                    failure.toString());
        }
    }

    /** The percentage of its chunks' bytes that are live, as H2 counts it. */
    int chunksFillRate() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return storeOf(connection).getFileStore().getChunksFillRate();
        }
    }

    private static MVStore storeOf(Connection connection) throws SQLException {
        SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
        return session.getDatabase().getStore().getMvStore();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
