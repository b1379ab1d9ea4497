package io.consolecms.webhooks.delivery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauges {@code webhook_deliveries_pending} and {@code webhook_oldest_pending_age_seconds}: pending deliveries in
 * the database (every host's, so replicas report the same figure) and the age of the oldest. Read by a scrape, not
 * in the background, and counted again only when the last count is older than {@link #MIN_AGE}, or than 50 times
 * what that count took, whichever is longer: a backlog of millions costs a count now and then, not one per scrape.
 * The oldest one's age is measured from the clock at each scrape, so it grows between counts as it should.
 */
final class PendingBacklog implements AutoCloseable {

    static final Duration MIN_AGE = Duration.ofSeconds(5);
    /** Reads the pending range of the claimable index (status, due_at, created_at) alone. */
    static final String COUNT_SQL = "SELECT COUNT(*), MIN(created_at) FROM webhook_deliveries WHERE status = 'pending'";
    private static final Logger LOG = LoggerFactory.getLogger(PendingBacklog.class);

    private final DataSource dataSource;
    private final Clock clock;
    private final MeterRegistry registry;
    private final List<Meter> meters;
    private final ReentrantLock counting = new ReentrantLock();
    private volatile Count last = new Count(Double.NaN, null, Long.MIN_VALUE / 2, 0);

    /** What one count found, when it was made, and how long it took. */
    private record Count(double pending, Long oldestCreatedAt, long at, long tookMillis) {
        boolean fresh(long now) {
            return now - at < Math.max(MIN_AGE.toMillis(), 50 * tookMillis);
        }
    }

    PendingBacklog(DataSource dataSource, Clock clock, MeterRegistry registry) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.registry = registry;
        this.meters = List.of(
                Gauge.builder("webhook.deliveries.pending", this, PendingBacklog::pending)
                        .description("Deliveries pending in the database, of every host").strongReference(true)
                        .register(registry),
                Gauge.builder("webhook.oldest.pending.age", this, PendingBacklog::oldestAgeSeconds)
                        .description("Age of the oldest pending delivery (0 when none is pending)").baseUnit("seconds")
                        .strongReference(true).register(registry));
    }

    double pending() {
        return current().pending();
    }

    double oldestAgeSeconds() {
        Count count = current();
        if (count.oldestCreatedAt() == null) {
            return Double.isNaN(count.pending()) ? Double.NaN : 0;
        }
        return Math.max(0, clock.millis() - count.oldestCreatedAt()) / 1000.0;
    }

    /** The last count, made again first when stale; a scrape that finds another one counting takes the last. */
    private Count current() {
        Count count = last;
        if (count.fresh(clock.millis()) || !counting.tryLock()) {
            return count;
        }
        try {
            if (!last.fresh(clock.millis())) {
                last = count();
            }
            return last;
        } finally {
            counting.unlock();
        }
    }

    private Count count() {
        long started = clock.millis();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(COUNT_SQL);
             ResultSet row = select.executeQuery()) {
            row.next();
            long pending = row.getLong(1);
            long oldest = row.getLong(2);
            Long oldestCreatedAt = row.wasNull() ? null : oldest;
            long now = clock.millis();
            return new Count(pending, oldestCreatedAt, now, now - started);
        } catch (SQLException | RuntimeException failure) {
            LOG.debug("Could not count pending webhook deliveries: {}", failure.toString());
            // the last figures stay for the next scrape, which tries again
            Count stale = last;
            return new Count(stale.pending(), stale.oldestCreatedAt(), stale.at(), stale.tookMillis());
        }
    }

    /** Removes the gauges, so that a scrape never reads a closed plugin's database. */
    @Override
    public void close() {
        meters.forEach(registry::remove);
    }
}
