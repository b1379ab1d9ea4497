package io.consolecms.host.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.consolecms.plugin.PluginSettings.InvalidSettingException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The host's connection pool over the configured JDBC database; shared with the plugins. */
public final class Database implements AutoCloseable {

    private static final int VALIDATION_SECONDS = 2;

    private final HikariDataSource pool;
    /** On an embedded H2 file, what keeps the file from growing without end; null otherwise. */
    private final H2Compaction compaction;

    private Database(HikariDataSource pool, boolean embeddedH2) {
        this.pool = pool;
        this.compaction = embeddedH2 ? H2Compaction.start(pool) : null;
    }

    /**
     * Opens the pool and checks that the database answers. The pool's meters ({@code hikaricp_connections_*}, tagged
     * {@code pool="cms-db"}) go to {@code registry}. On an embedded H2 file, also starts compacting it in the background
     * (see {@link H2Compaction}).
     *
     * @throws InvalidSettingException naming {@code CMS_DB_URL} when it cannot connect
     */
    public static Database open(String url, String user, String password, MeterRegistry registry) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("cms-db");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(16);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(VALIDATION_SECONDS * 1_000L);
        config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        try {
            return new Database(new HikariDataSource(config), H2Compaction.isEmbeddedFile(url));
        } catch (RuntimeException e) {
            throw new InvalidSettingException("CMS_DB_URL", "cannot connect to " + redacted(url) + ": "
                    + rootMessage(e));
        }
    }

    /** The pooled data source. */
    public DataSource dataSource() {
        return pool;
    }

    /**
     * Whether the database answers a statement now. A pooled connection's own check is not enough: an embedded H2 that
     * cannot write (a full disk) closes its store underneath the open sessions, whose every statement fails from then
     * on, while they still say they are valid.
     */
    public boolean answers() {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(VALIDATION_SECONDS);
            try (ResultSet rows = statement.executeQuery("SELECT 1")) {
                return rows.next();
            }
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** The URL without its parameters, which may hold credentials: for logs. */
    public static String redacted(String url) {
        int cut = url.length();
        for (char c : new char[] {'?', ';'}) {
            int at = url.indexOf(c);
            if (at >= 0 && at < cut) {
                cut = at;
            }
        }
        return url.substring(0, cut);
    }

    @Override
    public void close() {
        if (compaction != null) {
            compaction.close();
        }
        pool.close();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getName();
    }
}
