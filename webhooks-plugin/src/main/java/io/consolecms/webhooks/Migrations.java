package io.consolecms.webhooks;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Creates and upgrades the plugin's own tables, with a schema history table of its own. */
public final class Migrations {

    static final String HISTORY_TABLE = "webhooks_schema_history";

    private Migrations() {
    }

    /** Applies every pending migration; safe to call at each start and from several hosts at once. */
    public static void migrate(DataSource dataSource) {
        Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .table(HISTORY_TABLE)
                .locations("classpath:io/consolecms/webhooks/db")
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
    }
}
