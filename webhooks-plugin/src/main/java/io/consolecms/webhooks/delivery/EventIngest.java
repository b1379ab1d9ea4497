package io.consolecms.webhooks.delivery;

import io.consolecms.plugin.ConsoleEvent;
import io.consolecms.plugin.EventListener;
import io.consolecms.webhooks.ObjectId;
import io.consolecms.webhooks.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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
 * Turns each published Console event into one pending delivery per matching PUBLIC webhook, stored together with the
 * event, then hands the deliveries to the {@link DeliveryHandoff} to be attempted from memory.
 *
 * <p>Group commit: events published at once share one transaction (and one write to disk). A publisher's thread
 * waits until the transaction holding its event is committed, so an event is acknowledged only once it is durable;
 * one committing thread stores what accumulated while the previous transaction committed. When a group fails, each
 * of its events is stored alone, so that one bad event never fails the others.
 */
public final class EventIngest implements EventListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventIngest.class);
    private static final int MAX_GROUP = 256;
    private static final String MATCH = "SELECT id, target, secret, base64_ca, proxy_url FROM webhooks"
            + " WHERE event_name = ? AND state = 'PUBLIC' AND ";
    static final String INSERT_EVENT =
            "INSERT INTO webhook_events (id, event_name, event_timestamp, body, created_at) VALUES (?, ?, ?, ?, ?)";

    private final DataSource dataSource;
    private final DeliveryHandoff handoff;
    private final Clock clock;
    private final BlockingQueue<Publication> queue = new LinkedBlockingQueue<>();
    private final Thread committer;
    private volatile boolean closed;

    /**
     * Starts the committing thread; {@link #close()} stops it.
     *
     * @param dataSource the plugin's database, migrated
     * @param handoff takes committed deliveries (e.g. the {@link Dispatcher})
     */
    EventIngest(DataSource dataSource, DeliveryHandoff handoff, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.handoff = Objects.requireNonNull(handoff, "handoff");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.committer = new Thread(this::commitLoop, "webhooks-ingest");
        this.committer.setDaemon(true);
        this.committer.start();
    }

    /** One event waiting for its commit. */
    private static final class Publication {
        final ConsoleEvent event;
        final EventScope scope;
        final CompletableFuture<Integer> stored = new CompletableFuture<>();
        int deliveries;

        Publication(ConsoleEvent event) {
            this.event = event;
            this.scope = EventScope.of(event);
        }
    }

    /** A delivery in a place of the handoff, to fill once committed. */
    private record Placed(String place, ClaimedDelivery delivery) {
    }

    /** What one transaction stored. */
    private record Group(List<Placed> placed, boolean spilled) {
    }

    /**
     * Stores the event and its deliveries, or nothing; returns once they are committed.
     *
     * @return how many deliveries were stored
     * @throws SQLException when the database failed; nothing of the event is stored then
     */
    @Override
    public int onEvent(ConsoleEvent event) throws SQLException, InterruptedException {
        Publication publication = new Publication(event);
        if (closed) {
            throw new SQLException("the webhooks plugin is stopping");
        }
        queue.add(publication);
        if (closed && !committer.isAlive() && queue.remove(publication)) {
            throw new SQLException("the webhooks plugin is stopping");
        }
        try {
            return publication.stored.get();
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLException("could not store the event: " + cause, cause);
        }
    }

    private void commitLoop() {
        List<Publication> group = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Publication first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                commit(group, true);
            } catch (InterruptedException interrupted) {
                break;
            } finally {
                group.clear();
            }
        }
        Publication left;
        while ((left = queue.poll()) != null) {
            left.stored.completeExceptionally(new SQLException("the webhooks plugin is stopping"));
        }
    }

    private void commit(List<Publication> group, boolean splitOnFailure) {
        List<Placed> placed = new ArrayList<>();
        Group stored;
        try {
            stored = Transactions.inTransaction(dataSource, connection -> store(connection, group, placed));
        } catch (SQLException | RuntimeException failure) {
            placed.forEach(place -> handoff.unreserve(place.place()));
            if (splitOnFailure && group.size() > 1) {
                LOG.debug("A group of {} events failed to commit; committing them one by one: {}", group.size(),
                        failure.toString());
                for (Publication publication : group) {
                    commit(List.of(publication), false);
                }
            } else {
                group.forEach(publication -> publication.stored.completeExceptionally(failure));
            }
            return;
        }
        for (Placed place : stored.placed()) {
            handoff.admit(place.place(), place.delivery());
        }
        if (stored.spilled()) {
            handoff.spilled();
        }
        group.forEach(publication -> publication.stored.complete(publication.deliveries));
    }

    private Group store(Connection connection, List<Publication> group, List<Placed> placed) throws SQLException {
        long now = clock.millis();
        long leaseExpiresAt = now + handoff.lease().toMillis();
        boolean spilled = false;
        int events = 0;
        int deliveries = 0;
        try (PreparedStatement insertEvent = connection.prepareStatement(INSERT_EVENT);
             PreparedStatement insertDelivery = connection.prepareStatement(Outbox.INSERT_DELIVERY)) {
            for (Publication publication : group) {
                ConsoleEvent event = publication.event;
                List<Match> matches = matching(connection, event.name(), publication.scope);
                publication.deliveries = matches.size();
                if (matches.isEmpty()) {
                    continue;
                }
                insertEvent.setString(1, event.id());
                insertEvent.setString(2, event.name());
                insertEvent.setLong(3, event.timestamp());
                insertEvent.setBytes(4, event.json());
                insertEvent.setLong(5, now);
                insertEvent.addBatch();
                events++;
                for (Match match : matches) {
                    String deliveryId = ObjectId.next();
                    String place = handoff.reserve(match.target());
                    if (place == null) {
                        spilled = true;
                    } else {
                        placed.add(new Placed(place, new ClaimedDelivery(deliveryId, match.webhookId(), event.id(),
                                event.name(), 0, 0, "PUBLIC", match.target(), match.secret(), match.base64Ca(),
                                match.proxyUrl(), event.json())));
                    }
                    Outbox.bindNewDelivery(insertDelivery, deliveryId, match.webhookId(), event.id(), event.name(),
                            now, place == null ? null : handoff.owner(), leaseExpiresAt);
                    insertDelivery.addBatch();
                    deliveries++;
                }
            }
            if (events > 0) {
                Outbox.checkAll(insertEvent.executeBatch(), "insert events");
            }
            if (deliveries > 0) {
                Outbox.checkAll(insertDelivery.executeBatch(), "insert deliveries");
            }
        }
        return new Group(placed, spilled);
    }

    /** A matching webhook with what its attempts need. */
    private record Match(String webhookId, String target, String secret, String base64Ca, String proxyUrl) {
    }

    /**
     * The PUBLIC webhooks of the event's name whose scope includes the event: on the instance, on its company, on its
     * project, or on both. One indexed lookup per scope shape, so the cost does not grow with other webhooks.
     */
    private static List<Match> matching(Connection connection, String eventName, EventScope scope)
            throws SQLException {
        List<String> shapes = new ArrayList<>();
        List<String> values = new ArrayList<>();
        shapes.add(MATCH + "tenant_id IS NULL AND project_id IS NULL");
        if (scope.company() != null) {
            shapes.add(MATCH + "tenant_id = ? AND project_id IS NULL");
            values.add(scope.company());
        }
        if (scope.project() != null) {
            shapes.add(MATCH + "tenant_id IS NULL AND project_id = ?");
            values.add(scope.project());
        }
        if (scope.company() != null && scope.project() != null) {
            shapes.add(MATCH + "tenant_id = ? AND project_id = ?");
            values.add(scope.company());
            values.add(scope.project());
        }
        try (PreparedStatement select = connection.prepareStatement(String.join(" UNION ALL ", shapes))) {
            int index = 1;
            int value = 0;
            for (int shape = 0; shape < shapes.size(); shape++) {
                select.setString(index++, eventName);
                int params = shape == 0 ? 0 : shape == 3 ? 2 : 1;
                for (int p = 0; p < params; p++) {
                    select.setString(index++, values.get(value++));
                }
            }
            List<Match> matches = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    matches.add(new Match(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                            rows.getString(5)));
                }
            }
            return matches;
        }
    }

    /** Stores what was published before, then refuses further events (they answer 503: publish again). */
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
