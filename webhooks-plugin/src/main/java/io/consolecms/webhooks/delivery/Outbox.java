package io.consolecms.webhooks.delivery;

import static io.consolecms.webhooks.secrets.SecretBox.forDelivery;

import io.consolecms.webhooks.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries in the database, the durable record of what is pending: claimed in batches with a lease so that
 * several hosts on one database never attempt the same delivery at once, and settled in batches. Portable SQL (H2 and
 * PostgreSQL). No method keeps a connection beyond its own statements: sends happen between calls, never inside one.
 */
final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    static final String INSERT_DELIVERY = "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_name, status,"
            + " attempts, round_start, next_attempt_at, lease_owner, lease_expires_at, due_at, created_at, updated_at)"
            + " VALUES (?, ?, ?, ?, 'pending', 0, 0, ?, ?, ?, ?, ?, ?)";

    private static final String FREE = "(lease_owner IS NULL OR lease_expires_at <= ?)";
    private static final String ID_IN = "id IN (";
    /** Rows per IN list: well under every driver's limit of bind parameters. */
    private static final int CHUNK = 500;
    /** Ids per transaction of a lease renewal or release; see {@link #byWriter}. */
    private static final int WRITER_CHUNK = 256;
    /**
     * The most rows one {@link #claim} returns, whatever limit it is given: the due rows are read with a LIMIT of at most
     * this many, so that PostgreSQL's lease and load by id stay one IN list each. A claimer that takes fewer rows than
     * it asked for as the end of what is due must ask for no more than this.
     */
    static final int MAX_CLAIM = CHUNK;

    private final DataSource dataSource;
    private final Clock clock;
    /** Whether the database is PostgreSQL, once known. */
    private volatile Boolean postgres;
    /** Whether the database is an embedded H2, once {@link #postgres} is known. */
    private volatile boolean embedded;

    Outbox(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Binds {@link #INSERT_DELIVERY} for a delivery due at {@code now}, leased to {@code owner} when not null. */
    static void bindNewDelivery(PreparedStatement insert, String id, String webhookId, String eventId,
                                String eventName, long now, String owner, long leaseExpiresAt) throws SQLException {
        insert.setString(1, id);
        insert.setString(2, webhookId);
        insert.setString(3, eventId);
        insert.setString(4, eventName);
        insert.setLong(5, now);
        if (owner == null) {
            insert.setNull(6, Types.VARCHAR);
            insert.setNull(7, Types.BIGINT);
            insert.setLong(8, now);
        } else {
            insert.setString(6, owner);
            insert.setLong(7, leaseExpiresAt);
            insert.setLong(8, leaseExpiresAt);
        }
        insert.setLong(9, now);
        insert.setLong(10, now);
    }

    /** Fails unless every statement of a batch changed a row. */
    static void checkAll(int[] counts, String what) throws SQLException {
        for (int count : counts) {
            if (count == 0) {
                throw new SQLException(what + ": a statement changed no row");
            }
        }
    }

    private static boolean changed(int count) {
        return count > 0 || count == Statement.SUCCESS_NO_INFO;
    }

    /**
     * Claims up to {@code limit} due deliveries for {@code owner}, oldest due first: pending, due, and not leased (or
     * leased by a claim that expired). A delivery another host claims at the same moment goes to one of the two only.
     * Find, lease, load: three statements for the whole batch on PostgreSQL; on H2 the lease is a batch by id.
     *
     * @param excludedWebhooks webhooks whose deliveries not to claim now (their target's queue is full in this host)
     * @return the claimed deliveries, with what their attempts need
     */
    List<ClaimedDelivery> claim(String owner, int limit, Duration lease, Collection<String> excludedWebhooks)
            throws SQLException {
        return claim(owner, limit, lease, excludedWebhooks, Long.MAX_VALUE);
    }

    /**
     * As {@link #claim(String, int, Duration, Collection)}, reading no more event bodies than {@code bodyBytes} (but
     * always one delivery, whatever its size): a claim's rows are held in memory at once, and 500 rows of 1 MiB events
     * do not fit a small heap.
     */
    List<ClaimedDelivery> claim(String owner, int limit, Duration lease, Collection<String> excludedWebhooks,
                                long bodyBytes) throws SQLException {
        if (limit <= 0) {
            return List.of();
        }
        long now = clock.millis();
        return Transactions.inTransaction(dataSource, connection -> {
            // PostgreSQL: candidates are row-locked and rows other hosts are claiming are skipped, so hosts claiming
            // at once take different deliveries instead of waiting on each other. Elsewhere the conditional update
            // alone keeps claims exclusive.
            if (!isPostgres(connection)) {
                return claimLoaded(connection, owner, now, limit, now + lease.toMillis(), excludedWebhooks,
                        bodyBytes);
            }
            List<String> candidates = dueIds(connection, now, limit, excludedWebhooks, bodyBytes);
            if (candidates.isEmpty()) {
                return List.of();
            }
            return load(connection, leaseLocked(connection, candidates, owner, now + lease.toMillis()));
        });
    }

    /**
     * As {@link #claim(String, int, Duration, Collection)}, with H2's leases written in {@code writer}'s next
     * transaction: a drain then commits once per cycle (outcomes and new leases together) instead of twice, and H2
     * rewrites the pages the two share once. The due deliveries are read first, outside that transaction; the lease
     * is conditional, so a row leased meanwhile is dropped. PostgreSQL claims in a transaction of its own, which holds
     * its row locks from the read to the lease.
     */
    List<ClaimedDelivery> claim(String owner, int limit, Duration lease, Collection<String> excludedWebhooks,
                                GroupCommit writer) throws SQLException, InterruptedException {
        return claim(owner, limit, lease, excludedWebhooks, Long.MAX_VALUE, writer);
    }

    /** As {@link #claim(String, int, Duration, Collection, GroupCommit)}, within {@code bodyBytes} (see above). */
    List<ClaimedDelivery> claim(String owner, int limit, Duration lease, Collection<String> excludedWebhooks,
                                long bodyBytes, GroupCommit writer) throws SQLException, InterruptedException {
        if (limit <= 0) {
            return List.of();
        }
        if (postgres()) {
            return claim(owner, limit, lease, excludedWebhooks, bodyBytes);
        }
        long now = clock.millis();
        List<ClaimedDelivery> due;
        try (Connection connection = dataSource.getConnection()) {
            due = dueDeliveries(connection, now, limit, excludedWebhooks, bodyBytes);
        }
        if (due.isEmpty()) {
            return List.of();
        }
        List<String> ids = due.stream().map(ClaimedDelivery::id).toList();
        Set<String> won = new HashSet<>(writer.call(connection -> leaseIfFree(connection, ids, owner,
                now + lease.toMillis(), now)));
        due.removeIf(delivery -> !won.contains(delivery.id()));
        return due;
    }

    private boolean postgres() throws SQLException {
        Boolean known = postgres;
        if (known == null) {
            try (Connection connection = dataSource.getConnection()) {
                known = isPostgres(connection);
                embedded = isEmbeddedH2(connection);
            }
            postgres = known;
        }
        return known;
    }

    /**
     * Whether this host alone claims from the database: an embedded H2 (a file or memory database, not a server's),
     * which H2's file lock keeps to one process (several hosts share PostgreSQL, or at least an H2 server). There a
     * claim needs no lease: what the host holds is known to its memory ({@link #claimUnleased}), and no other host can
     * take it.
     */
    boolean claimsWithoutLeases() throws SQLException {
        postgres();
        return embedded;
    }

    private static boolean isEmbeddedH2(Connection connection) throws SQLException {
        String url = connection.getMetaData().getURL();
        if (url == null || !"H2".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName())) {
            return false;
        }
        // H2 gives the URL without its settings: AUTO_SERVER (one host, and tools beside it) cannot be told here
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:h2:tcp:") && !lower.startsWith("jdbc:h2:ssl:");
    }

    /**
     * What a claim without leases read: the deliveries it takes, and where the due index was read to, for the next
     * claim to go on from.
     *
     * @param deliveries the deliveries taken, oldest due first
     * @param firstDueAt the due time of the first row read, or {@code Long.MAX_VALUE} when none was
     * @param lastDueAt the due time of the last row read (taken or skipped), or {@code Long.MIN_VALUE} when none was
     * @param more whether the read stopped at the limit or the byte budget rather than at the end of what is due
     */
    record Unleased(List<ClaimedDelivery> deliveries, long firstDueAt, long lastDueAt, boolean more) {
    }

    /**
     * Embedded H2 only (see {@link #claimsWithoutLeases}): reads due deliveries from {@code fromDueAt} on, oldest due
     * first, with what their attempts need, and writes nothing. Rows {@code held} says this host holds are skipped;
     * the caller must make sure that a row it takes was not held meanwhile. Stops at {@code limit} rows taken or once
     * their bodies reach {@code bodyBytes} (always one).
     *
     * <p>Claims on H2 leased every row they took by its primary key, in the writer's transaction: the lease moved the
     * row in the due index and the outcome moved it again, and the lease was a fifth of the writer's work in a drain.
     * Reading on from where the last claim stopped keeps the read from going past what is held again each time.
     */
    Unleased claimUnleased(long fromDueAt, int limit, Collection<String> excludedWebhooks, long bodyBytes,
                           Predicate<String> held, int mostSkipped) throws SQLException {
        if (limit <= 0) {
            return new Unleased(List.of(), Long.MAX_VALUE, Long.MIN_VALUE, false);
        }
        try (Connection connection = dataSource.getConnection()) {
            return readDue(connection, clock.millis(), fromDueAt, limit, excludedWebhooks, bodyBytes, held,
                    mostSkipped);
        }
    }

    /**
     * Elsewhere (H2): the due deliveries are read with what their attempts need in one query, then leased by primary
     * key; those another claim leased first are dropped. Reading them back by an IN list of ids would cost more than
     * the claim: H2 tests each row against every id of the list.
     */
    private static List<ClaimedDelivery> claimLoaded(Connection connection, String owner, long now, int limit,
                                                     long expiresAt, Collection<String> excluded, long bodyBytes)
            throws SQLException {
        List<ClaimedDelivery> due = dueDeliveries(connection, now, limit, excluded, bodyBytes);
        if (due.isEmpty()) {
            return List.of();
        }
        Set<String> won = new HashSet<>(leaseIfFree(connection,
                due.stream().map(ClaimedDelivery::id).toList(), owner, expiresAt, now));
        due.removeIf(delivery -> !won.contains(delivery.id()));
        return due;
    }

    /** H2: the due, free deliveries with what their attempts need, oldest due first (see {@link #readDue}). */
    private static List<ClaimedDelivery> dueDeliveries(Connection connection, long now, int limit,
                                                       Collection<String> excluded, long bodyBytes)
            throws SQLException {
        return readDue(connection, now, Long.MIN_VALUE, limit, excluded, bodyBytes, id -> false, 0).deliveries();
    }

    /**
     * H2: the due, free deliveries due from {@code fromDueAt} on, with what their attempts need, oldest due first,
     * skipping those {@code held} says the host holds, until {@code limit} are taken or their bodies reach {@code
     * bodyBytes} (always one). H2 builds the whole result of a query in memory before the first row unless the session
     * executes queries lazily, so the claim does, and stops reading at the budget: with 1 MiB events, the 500 rows a
     * claim asks for ran a host with {@code -Xmx256m} out of memory, and H2 then closed the database.
     */
    private static Unleased readDue(Connection connection, long now, long fromDueAt, int limit,
                                    Collection<String> excluded, long bodyBytes, Predicate<String> held,
                                    int mostSkipped) throws SQLException {
        int most = Math.min(limit, MAX_CLAIM);
        List<ClaimedDelivery> due = new ArrayList<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        boolean more = false;
        lazily(connection, true);
        try (PreparedStatement select = connection.prepareStatement(dueDeliveriesSql(excluded.size()))) {
            int index = 1;
            select.setLong(index++, now);
            select.setLong(index++, fromDueAt);
            select.setLong(index++, now);
            for (String webhookId : excluded) {
                select.setString(index++, webhookId);
            }
            select.setLong(index, (long) most + Math.max(0, mostSkipped));
            long readAt = System.nanoTime();
            Map<String, ClaimedDelivery.WebhookSnapshot> webhooks = new HashMap<>();
            long bytes = 0;
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long dueAt = rows.getLong(DUE_AT_COLUMN);
                    first = Math.min(first, dueAt);
                    last = dueAt;
                    if (held.test(rows.getString(1))) {
                        continue;
                    }
                    ClaimedDelivery delivery = claimed(rows, readAt, webhooks);
                    due.add(delivery);
                    bytes += TargetQueues.bytes(delivery);
                    if (due.size() >= most || bytes >= bodyBytes) {
                        more = true;
                        break;
                    }
                }
            }
        } finally {
            lazily(connection, false);
        }
        return new Unleased(due, first, last, more);
    }

    /** H2: whether this session's queries give their rows as they are read rather than once all are. */
    private static void lazily(Connection connection, boolean lazy) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LAZY_QUERY_EXECUTION " + lazy);
        }
    }

    /**
     * The columns {@link #claimed} reads, from deliveries d, their events e and their webhooks w, then the delivery's
     * due time.
     */
    private static final String CLAIMED_COLUMNS = "d.id, d.webhook_id, d.event_id, d.event_name, d.attempts,"
            + " d.round_start, w.state, w.target, w.secret, w.base64_ca, w.proxy_url, e.body, w.previous_secret,"
            + " w.previous_secret_until, w.rate_limit, d.due_at, d.created_at FROM webhook_deliveries d"
            + " JOIN webhook_events e ON e.id = d.event_id LEFT JOIN webhooks w ON w.id = d.webhook_id";

    private static final int DUE_AT_COLUMN = 16;
    private static final int CREATED_AT_COLUMN = 17;

    /**
     * H2's claims: due, free deliveries from a due time on, with their events and webhooks, in the claimable index's
     * order (see {@link #dueSql}); parameters now, from, now, the excluded webhook ids, the most rows.
     */
    static String dueDeliveriesSql(int excluded) {
        return "SELECT " + CLAIMED_COLUMNS + " WHERE d.status = 'pending' AND d.due_at <= ? AND d.due_at >= ?"
                + " AND (d.lease_owner IS NULL OR d.lease_expires_at <= ?)"
                + (excluded == 0 ? "" : " AND d.webhook_id NOT IN (" + placeholders(excluded) + ")")
                + " ORDER BY d.status, d.due_at LIMIT ?";
    }

    /**
     * One claimed row. The rows of one webhook in a query share one snapshot of it, so its secrets are decrypted once
     * per query rather than once per delivery, and its CA is held once in memory however many deliveries wait.
     */
    private static ClaimedDelivery claimed(ResultSet rows, long readAt,
                                           Map<String, ClaimedDelivery.WebhookSnapshot> webhooks) throws SQLException {
        String webhookId = rows.getString(2);
        ClaimedDelivery.WebhookSnapshot webhook = webhooks.get(webhookId);
        if (webhook == null) {
            webhook = new ClaimedDelivery.WebhookSnapshot(rows.getString(7), rows.getString(8),
                    SigningSecrets.stored(rows.getString(9), rows.getString(13), rows.getLong(14)),
                    rows.getString(10), forDelivery(rows.getString(11)), rows.getInt(15), readAt);
            webhooks.put(webhookId, webhook);
        }
        return ClaimedDelivery.of(rows.getString(1), webhookId, rows.getString(3), rows.getString(4), rows.getInt(5),
                rows.getInt(6), rows.getBytes(12), webhook, rows.getLong(CREATED_AT_COLUMN));
    }

    /**
     * PostgreSQL: the candidates are row-locked by this transaction, so one statement leases them all by id.
     */
    private static List<String> leaseLocked(Connection connection, List<String> candidates, String owner,
                                            long expiresAt) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE webhook_deliveries"
                + " SET lease_owner = ?, lease_expires_at = ?, due_at = ? WHERE id IN ("
                + placeholders(candidates.size()) + ")")) {
            int index = 1;
            update.setString(index++, owner);
            update.setLong(index++, expiresAt);
            update.setLong(index++, expiresAt);
            for (String id : candidates) {
                update.setString(index++, id);
            }
            update.executeUpdate();
        }
        return candidates;
    }

    /**
     * Elsewhere (H2, embedded: statements cost no round trip): each candidate is leased by its primary key if it is
     * still free, and the counts say which this host won. One statement with an IN list and the same conditions
     * makes H2 walk the due index testing every pending row against the list, which costs more than the claim.
     */
    private static List<String> leaseIfFree(Connection connection, List<String> candidates, String owner,
                                            long expiresAt, long now) throws SQLException {
        List<String> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.naturalOrder()); // one lock order for every claimer
        try (PreparedStatement update = connection.prepareStatement("UPDATE webhook_deliveries"
                + " SET lease_owner = ?, lease_expires_at = ?, due_at = ? WHERE id = ? AND status = 'pending' AND "
                + FREE)) {
            for (String id : sorted) {
                update.setString(1, owner);
                update.setLong(2, expiresAt);
                update.setLong(3, expiresAt);
                update.setString(4, id);
                update.setLong(5, now);
                update.addBatch();
            }
            int[] counts = update.executeBatch();
            List<String> won = new ArrayList<>();
            for (int i = 0; i < counts.length; i++) {
                if (changed(counts[i])) {
                    won.add(sorted.get(i));
                }
            }
            return won;
        }
    }

    private static boolean isPostgres(Connection connection) throws SQLException {
        return "PostgreSQL".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName());
    }

    /**
     * PostgreSQL's query of due, free deliveries (their ids and the sizes of their event bodies), row-locked, skipping
     * rows other hosts are claiming: parameters now, now, the excluded webhook ids, the limit.
     *
     * <p>due_at is when a row may next be claimed: its next attempt, or the end of its lease while leased. So the
     * index range read here holds no row that some host holds (a backlog held in memory is not read past again at
     * every claim); the lease condition stays, for rows whose lease a host renewed just now. "ORDER BY status, due_at"
     * (status is one value here) is the index's order, which H2 must see to read only the first rows: with "ORDER BY
     * due_at" alone it read and sorted every due row at each claim.
     */
    static String dueSql(int excluded) {
        return "SELECT id, (SELECT OCTET_LENGTH(e.body) FROM webhook_events e WHERE e.id = webhook_deliveries.event_id)"
                + " FROM webhook_deliveries WHERE status = 'pending' AND due_at <= ? AND " + FREE
                + (excluded == 0 ? "" : " AND webhook_id NOT IN (" + placeholders(excluded) + ")")
                + " ORDER BY status, due_at LIMIT ? FOR UPDATE SKIP LOCKED";
    }

    /** Binds {@link #dueSql}. */
    private static void bindDue(PreparedStatement select, long now, Collection<String> excluded, int limit)
            throws SQLException {
        int index = 1;
        select.setLong(index++, now);
        select.setLong(index++, now);
        for (String webhookId : excluded) {
            select.setString(index++, webhookId);
        }
        select.setInt(index, Math.min(limit, MAX_CLAIM));
    }

    /**
     * PostgreSQL: the ids of the due, free deliveries, oldest due first, until their bodies reach {@code bodyBytes}
     * (always one); the rows read beyond stay free, their locks released at the claim's commit.
     */
    private static List<String> dueIds(Connection connection, long now, int limit, Collection<String> excluded,
                                       long bodyBytes) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(dueSql(excluded.size()))) {
            bindDue(select, now, excluded, limit);
            List<String> ids = new ArrayList<>();
            long bytes = 0;
            try (ResultSet rows = select.executeQuery()) {
                while (bytes < bodyBytes && rows.next()) {
                    ids.add(rows.getString(1));
                    bytes += rows.getLong(2);
                }
            }
            return ids;
        }
    }

    /** Loads the claimed deliveries with their webhooks and event bodies: one query for the whole batch. */
    private static List<ClaimedDelivery> load(Connection connection, List<String> ids) throws SQLException {
        String sql = "SELECT " + CLAIMED_COLUMNS + " WHERE d.id IN (" + placeholders(ids.size()) + ")"
                + " ORDER BY d.next_attempt_at";
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < ids.size(); i++) {
                select.setString(i + 1, ids.get(i));
            }
            List<ClaimedDelivery> deliveries = new ArrayList<>();
            long readAt = System.nanoTime();
            Map<String, ClaimedDelivery.WebhookSnapshot> webhooks = new HashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    deliveries.add(claimed(rows, readAt, webhooks));
                }
            }
            return deliveries;
        }
    }

    /**
     * The current settings of webhooks whose deliveries a host holds, so that a change (trashed, new secret, new
     * target) applies to deliveries already queued; a webhook that no longer exists is {@link
     * ClaimedDelivery.WebhookSnapshot#deleted deleted}.
     */
    Map<String, ClaimedDelivery.WebhookSnapshot> webhooks(Collection<String> webhookIds) throws SQLException {
        Map<String, ClaimedDelivery.WebhookSnapshot> found = new HashMap<>();
        List<String> all = List.copyOf(webhookIds);
        try (Connection connection = dataSource.getConnection()) {
            for (int from = 0; from < all.size(); from += CHUNK) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
                try (PreparedStatement select = connection.prepareStatement("SELECT id, state, target, secret,"
                        + " base64_ca, proxy_url, previous_secret, previous_secret_until, rate_limit FROM webhooks"
                        + " WHERE id IN (" + placeholders(chunk.size()) + ")")) {
                    for (int i = 0; i < chunk.size(); i++) {
                        select.setString(i + 1, chunk.get(i));
                    }
                    long readAt = System.nanoTime();
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            found.put(rows.getString(1), new ClaimedDelivery.WebhookSnapshot(rows.getString(2),
                                    rows.getString(3), SigningSecrets.stored(rows.getString(4), rows.getString(7),
                                    rows.getLong(8)), rows.getString(5), forDelivery(rows.getString(6)), rows.getInt(9),
                                    readAt));
                        }
                    }
                    ClaimedDelivery.WebhookSnapshot deleted = ClaimedDelivery.WebhookSnapshot.deleted(readAt);
                    chunk.forEach(id -> found.putIfAbsent(id, deleted));
                }
            }
        }
        return found;
    }

    /**
     * Extends {@code owner}'s leases on deliveries it still holds (queued in memory or in flight) to {@code until}, so
     * that a long queue behind a slow target keeps its claims; what it no longer holds is not renewed and expires.
     * Written by the writer, like the settlements that clear the same rows' leases (see {@link #byWriter}).
     */
    void renew(GroupCommit writer, String owner, Collection<String> deliveryIds, long until)
            throws SQLException, InterruptedException {
        byWriter(writer, deliveryIds, (connection, chunk) -> forChunks(connection, chunk,
                "UPDATE webhook_deliveries SET lease_expires_at = ?, due_at = ? WHERE lease_owner = ? AND id IN (",
                (update, index) -> {
                    update.setLong(index, until);
                    update.setLong(index + 1, until);
                    update.setString(index + 2, owner);
                    return index + 3;
                }));
    }

    /** What a delivery given back is set to: no lease, due at its next attempt. */
    private static final String GIVEN_BACK = "lease_owner = NULL, lease_expires_at = NULL, due_at = next_attempt_at";

    /**
     * Embedded H2 only (see {@link #claimsWithoutLeases}): gives back every lease not {@code owner}'s. This host alone
     * opens the database, so such a lease is a host's that ran before it and stopped, whatever its expiry: its
     * deliveries are due again now rather than once that lease runs out.
     *
     * @return how many deliveries were given back
     */
    int releaseLeasesNotOf(String owner) throws SQLException {
        return Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE webhook_deliveries SET " + GIVEN_BACK
                    + " WHERE status = 'pending' AND lease_owner IS NOT NULL AND lease_owner <> ?")) {
                update.setString(1, owner);
                return update.executeUpdate();
            }
        });
    }

    /** Gives up {@code owner}'s leases on deliveries it will not attempt; they stay pending and due. */
    void release(GroupCommit writer, String owner, Collection<String> deliveryIds)
            throws SQLException, InterruptedException {
        byWriter(writer, deliveryIds, (connection, chunk) -> forChunks(connection, chunk,
                "UPDATE webhook_deliveries SET " + GIVEN_BACK + " WHERE lease_owner = ? AND id IN (", (update, index) -> {
                    update.setString(index, owner);
                    return index + 1;
                }));
    }

    /** An update of some deliveries by id, in a transaction that it does not end. */
    @FunctionalInterface
    private interface ByIds {
        void update(Connection connection, List<String> ids) throws SQLException;
    }

    /**
     * Runs {@code update} in the writer's transactions, {@link #WRITER_CHUNK} ids at a time in the order of their ids,
     * waiting for each commit. In a transaction of its own, beside the writer's, such an update took row locks in
     * another order than the settlements that the writer stores for the same rows, and H2 chose one of the two as a
     * deadlock victim about once a minute under load (a renewal skipped, a warning). In chunks, so that a publish that
     * comes meanwhile waits for a small part of the update, not for all of it.
     */
    private static void byWriter(GroupCommit writer, Collection<String> deliveryIds, ByIds update)
            throws SQLException, InterruptedException {
        List<String> sorted = deliveryIds.stream().sorted().toList();
        for (int from = 0; from < sorted.size(); from += WRITER_CHUNK) {
            List<String> chunk = sorted.subList(from, Math.min(sorted.size(), from + WRITER_CHUNK));
            writer.call(connection -> {
                update.update(connection, chunk);
                return null;
            });
        }
    }

    @FunctionalInterface
    private interface Binder {
        /** Binds the parameters before the IN list from {@code index}; returns the index of the first id. */
        int bind(PreparedStatement statement, int index) throws SQLException;
    }

    /**
     * Runs {@code sqlBeforeIds} (which ends with {@code "id IN ("}) for the ids, in chunks, in {@code connection}'s
     * transaction. On H2, by primary key in a JDBC batch instead: H2 tests each row of an IN list against every id of
     * the list.
     */
    private static void forChunks(Connection connection, List<String> ids, String sqlBeforeIds, Binder binder)
            throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        if (!sqlBeforeIds.endsWith(ID_IN)) {
            throw new IllegalArgumentException("not an update by a list of ids: " + sqlBeforeIds);
        }
        if (!isPostgres(connection)) {
            try (PreparedStatement update = connection.prepareStatement(
                    sqlBeforeIds.substring(0, sqlBeforeIds.length() - ID_IN.length()) + "id = ?")) {
                for (String id : ids) {
                    update.setString(binder.bind(update, 1), id);
                    update.addBatch();
                }
                update.executeBatch();
            }
            return;
        }
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            try (PreparedStatement update = connection.prepareStatement(
                    sqlBeforeIds + placeholders(chunk.size()) + ")")) {
                int index = binder.bind(update, 1);
                for (String id : chunk) {
                    update.setString(index++, id);
                }
                update.executeUpdate();
            }
        }
    }

    /**
     * Stores settlements of {@code owner}'s claims in one transaction: each delivery's new status with its lease
     * cleared, its attempt row, its webhook's last delivery (once per webhook: the latest outcome of the batch), and a
     * gone (410) webhook moved to DRAFT. A settlement whose lease was lost meanwhile (it expired and another host
     * claimed the delivery) is dropped: that host's attempt counts.
     *
     * @return the settlements stored
     */
    List<Settlement> record(String owner, List<Settlement> settlements) throws SQLException {
        List<Settlement> kept = Transactions.inTransaction(dataSource,
                connection -> record(connection, owner, settlements, clock.millis()));
        logGivenUp(kept);
        return kept;
    }

    /** As {@link #record(String, List)}, in the caller's transaction; log with {@link #logGivenUp} once committed. */
    static List<Settlement> record(Connection connection, String owner, List<Settlement> settlements, long now)
            throws SQLException {
        return record(connection, owner, settlements, now, false);
    }

    /**
     * As {@link #record(Connection, String, List, long)}; with {@code unleased} (this host alone opens the database and
     * claims without leases, see {@link #claimUnleased}), whatever the delivery's lease, as long as it is pending.
     */
    static List<Settlement> record(Connection connection, String owner, List<Settlement> settlements, long now,
                                   boolean unleased) throws SQLException {
        if (settlements.isEmpty()) {
            return List.of();
        }
        List<Settlement> ordered = new ArrayList<>(settlements);
        // rows are locked in one order by every host (webhook, then time, then delivery), so batches never deadlock
        ordered.sort(Comparator.comparing((Settlement s) -> s.outcome().delivery().webhookId())
                .thenComparingLong(s -> s.outcome().at())
                .thenComparing(s -> s.outcome().delivery().id()));
        List<Settlement> stored = updateDeliveries(connection, owner, ordered, now, unleased);
        insertAttempts(connection, stored);
        updateWebhooks(connection, stored, now);
        return stored;
    }

    /** Logs the deliveries given up among stored settlements. */
    static void logGivenUp(List<Settlement> stored) {
        stored.stream().filter(settlement -> settlement.status() == DeliveryStatus.FAILED).forEach(Outbox::logGivenUp);
    }

    /** Operators learn from the log which deliveries were given up; never the target, which may carry a token. */
    private static void logGivenUp(Settlement settlement) {
        ClaimedDelivery delivery = settlement.outcome().delivery();
        LOG.warn("Webhook delivery {} of webhook {} ({}) failed after {} attempts: {}", delivery.id(),
                delivery.webhookId(), delivery.eventName(), settlement.attempts(), settlement.error());
    }

    private static List<Settlement> updateDeliveries(Connection connection, String owner, List<Settlement> settlements,
                                                     long now, boolean unleased) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE webhook_deliveries SET attempts = ?,"
                + " status = ?, next_attempt_at = ?, due_at = COALESCE(?, created_at), last_status_code = ?,"
                + " last_error = ?, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?"
                // a row keeps its first attempt once written (null binds keep what is there)
                + ", first_attempt_at = COALESCE(?, first_attempt_at), first_duration_ms = COALESCE(?,"
                + " first_duration_ms), first_status_code = COALESCE(?, first_status_code), first_response_body ="
                + " COALESCE(?, first_response_body)"
                + " WHERE id = ? AND "
                // without leases (one host alone opens the database) its memory says what it holds: a pending row
                // it attempted is its own, whoever leased it before
                + (unleased ? "status = 'pending'" : "lease_owner = ?"))) {
            for (Settlement settlement : settlements) {
                update.setInt(1, settlement.attempts());
                update.setString(2, settlement.status().value());
                setLong(update, 3, settlement.nextAttemptAt());
                setLong(update, 4, settlement.nextAttemptAt());
                setInt(update, 5, settlement.statusCode());
                update.setString(6, settlement.error());
                update.setLong(7, now);
                boolean inRow = settlement.attemptInDeliveryRow();
                AttemptResult result = settlement.outcome().result();
                setLong(update, 8, inRow ? settlement.outcome().at() : null);
                setLong(update, 9, inRow ? result.durationMs() : null);
                setInt(update, 10, inRow ? result.statusCode() : null);
                update.setString(11, inRow ? ResponseBodies.cut(result.responseBody()) : null);
                update.setString(12, settlement.outcome().delivery().id());
                if (!unleased) {
                    update.setString(13, owner);
                }
                update.addBatch();
            }
            int[] counts = update.executeBatch();
            List<Settlement> kept = new ArrayList<>();
            for (int i = 0; i < counts.length; i++) {
                if (changed(counts[i])) {
                    kept.add(settlements.get(i));
                }
            }
            return kept;
        }
    }

    private static void insertAttempts(Connection connection, List<Settlement> settlements) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO webhook_attempts (delivery_id,"
                + " attempt_no, at, duration_ms, status_code, error, response_body, webhook_id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            int batched = 0;
            for (Settlement settlement : settlements) {
                AttemptResult result = settlement.outcome().result();
                if (result == null || settlement.attemptInDeliveryRow()) {
                    continue;
                }
                insert.setString(1, settlement.outcome().delivery().id());
                insert.setInt(2, settlement.attempts());
                insert.setLong(3, settlement.outcome().at());
                insert.setLong(4, result.durationMs());
                setInt(insert, 5, result.statusCode());
                insert.setString(6, result.error());
                insert.setString(7, ResponseBodies.cut(result.responseBody()));
                insert.setString(8, settlement.outcome().delivery().webhookId());
                insert.addBatch();
                batched++;
            }
            if (batched > 0) {
                insert.executeBatch();
            }
        }
    }

    /**
     * What a batch's attempts say of one webhook: its latest outcome, and its streak of failures (for auto-disable).
     */
    private static final class Streak {
        private Outcome latest;
        private boolean succeeded;
        /** The first failed attempt after the batch's last success (or of the batch, without success), or null. */
        private Long failingFrom;

        void add(Outcome outcome) {
            if (latest == null || outcome.at() >= latest.at()) {
                latest = outcome;
            }
            if (outcome.result().succeeded()) {
                succeeded = true;
                failingFrom = null;
            } else if (failingFrom == null) {
                failingFrom = outcome.at();
            }
        }
    }

    private static void updateWebhooks(Connection connection, List<Settlement> settlements, long now)
            throws SQLException {
        Map<String, Streak> streaks = new LinkedHashMap<>();
        List<String> gone = new ArrayList<>();
        // settlements come ordered by webhook, then time (see record): each webhook's attempts in the order made
        for (Settlement settlement : settlements) {
            Outcome outcome = settlement.outcome();
            if (outcome.result() == null) {
                continue;
            }
            streaks.computeIfAbsent(outcome.delivery().webhookId(), id -> new Streak()).add(outcome);
            if (settlement.webhookGone()) {
                gone.add(outcome.delivery().webhookId());
            }
        }
        if (!streaks.isEmpty()) {
            // a success ends the streak of failures (a failure after it starts the next); failures alone extend it
            try (PreparedStatement last = connection.prepareStatement("UPDATE webhooks SET last_delivery_status = ?,"
                    + " last_delivery_at = ?, last_delivery_event = ?, last_delivery_code = ?, failing_since ="
                    + " CASE WHEN ? = 1 THEN CAST(? AS BIGINT) ELSE COALESCE(failing_since, CAST(? AS BIGINT)) END"
                    + " WHERE id = ? AND (last_delivery_at IS NULL OR last_delivery_at <= ?)")) {
                for (Map.Entry<String, Streak> entry : streaks.entrySet()) {
                    Streak streak = entry.getValue();
                    Outcome outcome = streak.latest;
                    last.setString(1, (outcome.result().succeeded() ? DeliveryStatus.SUCCEEDED : DeliveryStatus.FAILED)
                            .value());
                    last.setLong(2, outcome.at());
                    last.setString(3, outcome.delivery().eventName());
                    setInt(last, 4, outcome.result().statusCode());
                    last.setInt(5, streak.succeeded ? 1 : 0);
                    setLong(last, 6, streak.failingFrom);
                    setLong(last, 7, streak.failingFrom);
                    last.setString(8, entry.getKey());
                    last.setLong(9, outcome.at());
                    last.addBatch();
                }
                last.executeBatch();
            }
        }
        if (!gone.isEmpty()) {
            try (PreparedStatement draft = connection.prepareStatement(
                    "UPDATE webhooks SET state = 'DRAFT', updated_at = ? WHERE id = ? AND state = 'PUBLIC'")) {
                for (String webhookId : gone) {
                    draft.setLong(1, now);
                    draft.setString(2, webhookId);
                    draft.addBatch();
                }
                draft.executeBatch();
            }
        }
    }

    static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    private static void setInt(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }
}
