package io.consolecms.webhooks.db;

import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Indexes for the retention and the backlog gauges. {@code webhook_deliveries_by_status_age} (status, creation time) finds
 * the oldest deliveries of a status, settled ones for the retention, pending ones for the oldest pending age; its
 * entry moves once per delivery (when it settles), not at every retry. PostgreSQL also needs an index of deliveries
 * by event, to tell whether an event is still needed; H2 already has one, the index of the event's foreign key, so
 * it gets no second one to keep up at each insert. Java rather than SQL for that one difference.
 */
public final class V8__Retention_indexes extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement statement = context.getConnection().createStatement()) {
            statement.execute("CREATE INDEX webhook_deliveries_by_status_age ON webhook_deliveries (status, created_at)");
            if ("PostgreSQL".equalsIgnoreCase(context.getConnection().getMetaData().getDatabaseProductName())) {
                statement.execute("CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id)");
            }
        }
    }
}
