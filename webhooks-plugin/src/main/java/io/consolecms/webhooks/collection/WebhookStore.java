package io.consolecms.webhooks.collection;

import io.consolecms.webhooks.secrets.SecretBox;
import io.consolecms.webhooks.secrets.UnreadableSecretException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The {@code webhooks} table, with plain JDBC in SQL that H2 and PostgreSQL both understand. Thread-safe: each call
 * borrows a connection of the pool and gives it back.
 */
public final class WebhookStore {

    private static final String COLUMNS = "id, tenant_id, project_id, event_name, target, base64_ca, secret, proxy_url, "
            + "state, created_at, updated_at, creator_id, updater_id, last_delivery_status, last_delivery_at, "
            + "last_delivery_event, last_delivery_code, rate_limit, disabled_reason, disabled_at";

    private final DataSource dataSource;
    private final SecretBox secrets;

    /**
     * A store on the plugin's database, whose schema {@code Migrations} made.
     *
     * @param secrets seals the secret and the proxy URL as they are written, opens them as they are read
     */
    public WebhookStore(DataSource dataSource, SecretBox secrets) {
        this.dataSource = dataSource;
        this.secrets = secrets;
    }

    /** Stores a new webhook. */
    public void insert(Webhook webhook) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO webhooks (" + COLUMNS
                     + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, webhook.id());
            setWritable(insert, 2, webhook, null);
            insert.setString(9, webhook.state().name());
            insert.setLong(10, webhook.createdAt());
            insert.setLong(11, webhook.updatedAt());
            insert.setString(12, webhook.creatorId());
            insert.setString(13, webhook.updaterId());
            LastDelivery last = webhook.lastDelivery();
            insert.setString(14, last == null ? null : last.status());
            setNullableLong(insert, 15, last == null ? null : last.at());
            insert.setString(16, last == null ? null : last.eventName());
            setNullableInt(insert, 17, last == null ? null : last.statusCode());
            setNullableInt(insert, 18, webhook.rateLimit());
            Webhook.Disabled disabled = webhook.disabled();
            insert.setString(19, disabled == null ? null : disabled.reason());
            setNullableLong(insert, 20, disabled == null ? null : disabled.at());
            insert.executeUpdate();
        }
    }

    /** The webhook {@code id} if it is in one of {@code states}. */
    public Optional<Webhook> find(String id, Set<WebhookState> states) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM webhooks WHERE id = ? "
                     + "AND state IN (" + placeholders(states.size()) + ")")) {
            select.setString(1, id);
            int index = 2;
            for (WebhookState state : states) {
                select.setString(index++, state.name());
            }
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(read(rows, secrets)) : Optional.empty();
            }
        }
    }

    /** The webhooks of a listing, in its order and page. */
    List<Webhook> list(WebhookQuery query) throws SQLException {
        ListingStatements.Select listing = ListingStatements.listing(query, COLUMNS);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(listing.sql())) {
            listing.bind(select);
            List<Webhook> webhooks = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    webhooks.add(read(rows, secrets));
                }
            }
            return webhooks;
        }
    }

    /** How many webhooks match a listing's filters and states, whatever its page. */
    long count(WebhookQuery query) throws SQLException {
        ListingStatements.Select count = ListingStatements.count(query);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(count.sql())) {
            count.bind(select);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /**
     * How many webhooks match a listing's filters in each of its states, in one query: every state of the query is a
     * key, with 0 when none is in it.
     */
    Map<WebhookState, Long> countByState(WebhookQuery query) throws SQLException {
        ListingStatements.Select count = ListingStatements.countByState(query);
        Map<WebhookState, Long> counts = new EnumMap<>(WebhookState.class);
        query.states().forEach(state -> counts.put(state, 0L));
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(count.sql())) {
            count.bind(select);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    counts.put(WebhookState.valueOf(rows.getString(1)), rows.getLong(2));
                }
            }
        }
        return counts;
    }

    /**
     * Writes the writable fields of {@code webhook} and its {@code updatedAt}/{@code updaterId}, unless it was deleted
     * meanwhile.
     *
     * @param secretReplaced whether the secret changed: a secret set (or removed) this way takes over at once, ending
     *     the overlap of a {@link #rotateSecret rotation}
     * @return whether the webhook was still there
     */
    public boolean update(Webhook webhook, boolean secretReplaced) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE webhooks SET tenant_id = ?, project_id = ?, "
                     + "event_name = ?, target = ?, base64_ca = ?, secret = ?, proxy_url = ?, updated_at = ?, "
                     + "updater_id = ?, rate_limit = ?"
                     + (secretReplaced ? ", previous_secret = NULL, previous_secret_until = NULL" : "")
                     + " WHERE id = ?")) {
            setWritable(update, 1, webhook, unreadable(connection, webhook));
            update.setLong(8, webhook.updatedAt());
            update.setString(9, webhook.updaterId());
            setNullableInt(update, 10, webhook.rateLimit());
            update.setString(11, webhook.id());
            return update.executeUpdate() == 1;
        }
    }

    /**
     * Replaces the secret of a webhook that is not DELETED. The replaced secret, copied as it is stored (sealed, never
     * opened here), keeps signing next to the new one until {@code previousUntil}; with {@code previousUntil}
     * {@code null}, or when there was no secret, no previous secret is kept. A rotation during another's overlap
     * keeps only the secret it replaces.
     *
     * @return whether the webhook was there
     */
    public boolean rotateSecret(String id, String secret, Long previousUntil, long at, String by) throws SQLException {
        String previous = previousUntil == null ? "previous_secret = NULL, previous_secret_until = NULL"
                // the SET expressions read the row as it was: previous_secret gets the secret being replaced
                : "previous_secret = secret, previous_secret_until = CASE WHEN secret IS NULL THEN NULL ELSE ? END";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE webhooks SET " + previous
                     + ", secret = ?, updated_at = ?, updater_id = ? WHERE id = ? AND state <> 'DELETED'")) {
            int index = 1;
            if (previousUntil != null) {
                update.setLong(index++, previousUntil);
            }
            update.setString(index++, secrets.seal(secret));
            update.setLong(index++, at);
            update.setString(index++, by);
            update.setString(index, id);
            return update.executeUpdate() == 1;
        }
    }

    /**
     * Moves a webhook from one state to another, only if it is still in {@code from}, so that concurrent moves cannot
     * make a transition CRUD Service forbids. Publishing clears why it was disabled, and its streak of failures, so
     * that it gets the whole {@code CMS_WEBHOOKS_DISABLE_AFTER} again.
     *
     * @return whether it moved
     */
    public boolean moveState(String id, WebhookState from, WebhookState to, long at, String by) throws SQLException {
        String publish = to == WebhookState.PUBLIC ? ", disabled_reason = NULL, disabled_at = NULL, failing_since = NULL"
                : "";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE webhooks SET state = ?, updated_at = ?,"
                     + " updater_id = ?" + publish + " WHERE id = ? AND state = ?")) {
            update.setString(1, to.name());
            update.setLong(2, at);
            update.setString(3, by);
            update.setString(4, id);
            update.setString(5, from.name());
            return update.executeUpdate() == 1;
        }
    }

    /**
     * Removes a webhook for good if it is in one of {@code states}.
     *
     * @return whether it was there
     */
    public boolean delete(String id, Set<WebhookState> states) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM webhooks WHERE id = ? AND state IN ("
                     + placeholders(states.size()) + ")")) {
            delete.setString(1, id);
            int index = 2;
            for (WebhookState state : states) {
                delete.setString(index++, state.name());
            }
            return delete.executeUpdate() == 1;
        }
    }

    /**
     * The stored values that could not be opened when {@code webhook} was read ({@link SecretBox#UNREADABLE}): they
     * are written back as they are, not sealed again as the marker.
     */
    private static String[] unreadable(Connection connection, Webhook webhook) throws SQLException {
        if (!SecretBox.UNREADABLE.equals(webhook.secret()) && !SecretBox.UNREADABLE.equals(webhook.proxyUrl())) {
            return null;
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT secret, proxy_url FROM webhooks WHERE id = ?")) {
            select.setString(1, webhook.id());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? new String[] {rows.getString(1), rows.getString(2)} : new String[2];
            }
        }
    }

    private String stored(String plain, String[] unreadable, int column) {
        return SecretBox.UNREADABLE.equals(plain) && unreadable != null ? unreadable[column] : secrets.seal(plain);
    }

    private void setWritable(PreparedStatement statement, int first, Webhook webhook, String[] unreadable)
            throws SQLException {
        statement.setString(first, webhook.tenantId());
        statement.setString(first + 1, webhook.projectId());
        statement.setString(first + 2, webhook.eventName());
        statement.setString(first + 3, webhook.target());
        statement.setString(first + 4, webhook.base64CA());
        statement.setString(first + 5, stored(webhook.secret(), unreadable, 0));
        statement.setString(first + 6, stored(webhook.proxyUrl(), unreadable, 1));
    }

    private static Webhook read(ResultSet row, SecretBox secrets) throws SQLException {
        String lastStatus = row.getString("last_delivery_status");
        long lastAt = row.getLong("last_delivery_at");
        int code = row.getInt("last_delivery_code");
        Integer lastCode = row.wasNull() ? null : code;
        LastDelivery last = lastStatus == null ? null
                : new LastDelivery(lastStatus, lastAt, row.getString("last_delivery_event"), lastCode);
        int rate = row.getInt("rate_limit");
        Integer rateLimit = row.wasNull() ? null : rate;
        String disabledReason = row.getString("disabled_reason");
        Webhook.Disabled disabled = disabledReason == null ? null
                : new Webhook.Disabled(disabledReason, row.getLong("disabled_at"));
        return new Webhook(row.getString("id"), row.getString("tenant_id"), row.getString("project_id"),
                row.getString("event_name"), row.getString("target"), row.getString("base64_ca"),
                opened(secrets, row.getString("secret")), opened(secrets, row.getString("proxy_url")), WebhookState.valueOf(row.getString("state")),
                row.getLong("created_at"), row.getLong("updated_at"), row.getString("creator_id"),
                row.getString("updater_id"), last, rateLimit, disabled);
    }

    /** The plain value, or {@link SecretBox#UNREADABLE} so that documents still list (and keep) the webhook. */
    private static String opened(SecretBox secrets, String stored) {
        try {
            return secrets.open(stored);
        } catch (UnreadableSecretException e) {
            secrets.reportOnce(e);
            return SecretBox.UNREADABLE;
        }
    }

    private static String placeholders(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }

    private static void setNullableLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    private static void setNullableInt(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }
}
