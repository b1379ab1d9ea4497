package io.consolecms.webhooks.delivery;

import io.consolecms.webhooks.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes the delivery tables: what is submitted while a transaction commits goes into the next
 * one, so that concurrent writes (published events, recorded outcomes) share one commit, and one write to disk.
 * H2 rewrites every page a commit touches, so fewer, larger commits are what makes ingest and delivery fast; on
 * PostgreSQL the batch saves round trips and fsyncs. When a transaction fails, each of its writes is retried alone, so
 * that one bad write never fails the others.
 */
final class GroupCommit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    private static final int MAX_WRITES = 256;

    /** One unit of work; its callbacks run on the committing thread and must not block. */
    interface Write {

        /**
         * Writes in the shared transaction; may be called again alone after {@link #rolledBack()}.
         *
         * @param shared a map that lives as long as the transaction, for what the writes of one transaction may
         *     share (e.g. lookups whose answer cannot change within it)
         */
        void write(Connection connection, Map<Object, Object> shared) throws SQLException;

        /** The transaction holding the write is committed. */
        void committed();

        /** The transaction holding the write was rolled back; it will be written again, alone. */
        default void rolledBack() {
        }

        /** The write failed alone: it is not stored. */
        void failed(Exception failure);
    }

    /**
     * Statements that the writes of one transaction add rows to in turn, executed once, in the order first asked for,
     * just before the commit: one statement per transaction rather than one per write. A row that fails makes the
     * whole transaction fail, and its writes are then written again one by one as always.
     */
    static final class Batches implements AutoCloseable {
        private final Connection connection;
        private final Map<String, PreparedStatement> statements = new LinkedHashMap<>();

        private Batches(Connection connection) {
            this.connection = connection;
        }

        /** The transaction's statement for {@code sql}: bind, then {@code addBatch()}. */
        PreparedStatement of(String sql) throws SQLException {
            PreparedStatement statement = statements.get(sql);
            if (statement == null) {
                statement = connection.prepareStatement(sql);
                statements.put(sql, statement);
            }
            return statement;
        }

        private void executeAll() throws SQLException {
            for (Map.Entry<String, PreparedStatement> entry : statements.entrySet()) {
                Outbox.checkAll(entry.getValue().executeBatch(), entry.getKey());
            }
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement statement : statements.values()) {
                statement.close();
            }
        }
    }

    /** The batches of the transaction that {@code shared} (a {@link Write#write} argument) belongs to. */
    static Batches batches(Map<Object, Object> shared) {
        return (Batches) shared.get(Batches.class);
    }

    private final DataSource dataSource;
    private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    private final Thread committer;
    private volatile boolean closed;

    /** Starts the committing thread; {@link #close()} stops it. */
    GroupCommit(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.committer = new Thread(this::commitLoop, "webhooks-writer");
        this.committer.setDaemon(true);
        this.committer.start();
    }

    /**
     * Queues a write for the next transaction. Never blocks.
     *
     * @return false when closed: the write is not queued and none of its callbacks will run
     */
    boolean submit(Write write) {
        if (closed) {
            return false;
        }
        queue.add(write);
        if (closed && !committer.isAlive() && queue.remove(write)) {
            return false;
        }
        return true;
    }

    /**
     * Runs {@code work} in the writer's next transaction and waits for its commit, so that it shares that commit with
     * the writes around it; in a transaction of its own once the writer is closed. The work may run more than once (a
     * group that fails is written again write by write): the result of its committed run is returned.
     */
    <T> T call(Transactions.Work<T> work) throws SQLException, InterruptedException {
        return call(work, () -> { });
    }

    /**
     * As {@link #call(Transactions.Work)}, running {@code committed} once the work is committed, on the committing
     * thread, before the callbacks of the writes after it: what it does is done before whoever waits on a later write
     * learns that it is committed. It must not block.
     */
    <T> T call(Transactions.Work<T> work, Runnable committed) throws SQLException, InterruptedException {
        CompletableFuture<T> done = new CompletableFuture<>();
        List<T> result = new ArrayList<>(1);
        boolean queued = submit(new Write() {
            @Override
            public void write(Connection connection, Map<Object, Object> shared) throws SQLException {
                result.clear();
                result.add(work.run(connection));
            }

            @Override
            public void committed() {
                try {
                    committed.run();
                } catch (RuntimeException bug) {
                    LOG.error("A callback of a committed write failed", bug);
                }
                done.complete(result.get(0));
            }

            @Override
            public void failed(Exception failure) {
                done.completeExceptionally(failure);
            }
        });
        if (!queued) {
            T alone = Transactions.inTransaction(dataSource, work);
            committed.run();
            return alone;
        }
        try {
            return done.get();
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLException(failed.getCause());
        }
    }

    private void commitLoop() {
        List<Write> group = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Write first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_WRITES - 1);
                commit(group);
            } catch (InterruptedException interrupted) {
                break;
            } catch (RuntimeException bug) {
                LOG.error("The webhooks writer failed", bug);
                group.forEach(write -> write.failed(bug));
            } finally {
                group.clear();
            }
        }
        Write left;
        while ((left = queue.poll()) != null) {
            left.failed(new SQLException("the webhooks plugin is stopping"));
        }
    }

    private void commit(List<Write> group) {
        try {
            Transactions.inTransaction(dataSource, connection -> {
                Map<Object, Object> shared = new HashMap<>();
                try (Batches batches = new Batches(connection)) {
                    shared.put(Batches.class, batches);
                    for (Write write : group) {
                        write.write(connection, shared);
                    }
                    batches.executeAll();
                }
                return null;
            });
        } catch (SQLException | RuntimeException failure) {
            if (group.size() == 1) {
                group.get(0).failed(failure);
                return;
            }
            LOG.debug("A group of {} writes failed to commit; committing them one by one: {}", group.size(),
                    failure.toString());
            group.forEach(Write::rolledBack);
            for (Write write : group) {
                commit(List.of(write));
            }
            return;
        }
        group.forEach(Write::committed);
    }

    /** Commits what was submitted before, then refuses further writes. */
    @Override
    public void close() {
        closed = true;
        try {
            committer.join(10_000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
