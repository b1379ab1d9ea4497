package io.consolecms.webhooks.delivery;

import io.consolecms.plugin.ConsoleEvent;
import io.consolecms.plugin.EventListener;
import io.consolecms.webhooks.ObjectId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Turns each published Console event into one pending delivery per matching PUBLIC webhook, stored together with the
 * event in one transaction, then wakes the dispatcher without waiting for it.
 */
public final class EventIngest implements EventListener {

    private static final String MATCH = "SELECT id FROM webhooks WHERE event_name = ? AND state = 'PUBLIC'"
            + " AND (tenant_id IS NULL OR tenant_id = ?) AND (project_id IS NULL OR project_id = ?)";

    private final DataSource dataSource;
    private final Runnable wake;
    private final Clock clock;

    /**
     * @param dataSource the plugin's database, migrated
     * @param wake called after a commit with deliveries; must not block (e.g. {@link Dispatcher#wake()})
     */
    public EventIngest(DataSource dataSource, Runnable wake) {
        this(dataSource, wake, Clock.systemUTC());
    }

    EventIngest(DataSource dataSource, Runnable wake, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.wake = Objects.requireNonNull(wake, "wake");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Stores the event and its deliveries, or nothing.
     *
     * @return how many deliveries were stored
     * @throws SQLException when the database failed; nothing of the event is stored then
     */
    @Override
    public int onEvent(ConsoleEvent event) throws SQLException {
        EventScope scope = EventScope.of(event);
        int stored;
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                stored = store(connection, event, scope);
                connection.commit();
            } catch (SQLException | RuntimeException failure) {
                connection.rollback();
                throw failure;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
        if (stored > 0) {
            wake.run();
        }
        return stored;
    }

    private int store(Connection connection, ConsoleEvent event, EventScope scope) throws SQLException {
        List<String> webhookIds = matchingWebhooks(connection, event.name(), scope);
        if (webhookIds.isEmpty()) {
            return 0;
        }
        long now = clock.millis();
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO webhook_events (id, event_name, event_timestamp, body, created_at) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, event.id());
            insert.setString(2, event.name());
            insert.setLong(3, event.timestamp());
            insert.setBytes(4, event.json());
            insert.setLong(5, now);
            insert.executeUpdate();
        }
        try (PreparedStatement insert = connection.prepareStatement(Outbox.INSERT_DELIVERY)) {
            for (String webhookId : webhookIds) {
                Outbox.bindNewDelivery(insert, ObjectId.next(), webhookId, event.id(), event.name(), now);
                insert.addBatch();
            }
            Outbox.checkAll(insert.executeBatch(), "insert deliveries");
        }
        return webhookIds.size();
    }

    private static List<String> matchingWebhooks(Connection connection, String eventName, EventScope scope)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(MATCH)) {
            select.setString(1, eventName);
            setNullable(select, 2, scope.company());
            setNullable(select, 3, scope.project());
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }

    private static void setNullable(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }
}
