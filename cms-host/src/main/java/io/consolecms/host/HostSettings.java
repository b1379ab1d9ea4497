package io.consolecms.host;

import io.consolecms.plugin.PluginSettings.InvalidSettingException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The host's own settings, read once from environment variables. Every variable has a default; a value that cannot
 * be used is an {@link InvalidSettingException} naming the variable.
 *
 * @param port the HTTP port ({@code CMS_PORT}); 0 picks a free one
 * @param bind the address to listen on ({@code CMS_BIND})
 * @param dataDir the folder of the embedded database and generated tokens ({@code CMS_DATA_DIR}), absolute
 * @param pluginsDir the folder whose {@code *.jar} files are plugins ({@code CMS_PLUGINS_DIR}), absolute
 * @param dbUrl the JDBC URL ({@code CMS_DB_URL}); by default an H2 file database in the data folder
 * @param dbUser the database user ({@code CMS_DB_USER}), or {@code null}
 * @param dbPassword the database password ({@code CMS_DB_PASSWORD}), or {@code null}
 * @param adminToken the administrators' token when set by {@code CMS_ADMIN_TOKEN}
 * @param coreToken Console core's token when set by {@code CMS_CORE_TOKEN}
 * @param metricsToken the token that may read {@code GET /metrics} only, when set by {@code CMS_METRICS_TOKEN}
 * @param environment every variable, for the plugins' own settings
 */
public record HostSettings(int port, String bind, Path dataDir, Path pluginsDir, String dbUrl, String dbUser,
                           String dbPassword, Optional<String> adminToken, Optional<String> coreToken,
                           Optional<String> metricsToken, Map<String, String> environment) {

    static final int MIN_TOKEN_LENGTH = 16;

    public HostSettings {
        environment = Map.copyOf(environment);
    }

    /** Reads the settings from {@code environment} (usually {@link System#getenv()}). */
    public static HostSettings fromEnvironment(Map<String, String> environment) {
        Variables vars = new Variables(environment);
        int port = port(vars);
        String bind = bind(vars);
        Path dataDir = path(vars, "CMS_DATA_DIR", "./data");
        Path pluginsDir = path(vars, "CMS_PLUGINS_DIR", "./plugins");
        Optional<String> url = vars.get("CMS_DB_URL");
        if (url.isPresent() && !url.get().startsWith("jdbc:")) {
            throw new InvalidSettingException("CMS_DB_URL", "must be a JDBC URL starting with 'jdbc:'");
        }
        // WRITE_DELAY=0: a commit is written before it is acknowledged. QUERY_CACHE_SIZE: each pooled session keeps the
        // parsed form of more statements than H2's default 8, which the delivery tables' writer alone exceeds, so that
        // the hot statements are not parsed again in every transaction. PAGE_SIZE: the size at which H2 splits a page,
        // 4 KiB by default; with 16 KiB a delivery's commit rewrites fewer pages (in alternated drains of one backlog,
        // the writer spent 31-38 us per delivery against 40-53, and drained 11-15k/s against 8-11k/s).
        String dbUrl = url.orElse("jdbc:h2:file:" + dataDir.resolve("cms")
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;QUERY_CACHE_SIZE=64;PAGE_SIZE=16384");
        String dbUser = vars.get("CMS_DB_USER").orElse(url.isPresent() ? null : "sa");
        String dbPassword = vars.get("CMS_DB_PASSWORD").orElse(url.isPresent() ? null : "");
        Optional<String> admin = token(vars, "CMS_ADMIN_TOKEN");
        Optional<String> core = token(vars, "CMS_CORE_TOKEN");
        if (admin.isPresent() && admin.equals(core)) {
            throw new InvalidSettingException("CMS_CORE_TOKEN", "must differ from CMS_ADMIN_TOKEN");
        }
        Optional<String> metrics = token(vars, "CMS_METRICS_TOKEN");
        if (metrics.isPresent() && (metrics.equals(admin) || metrics.equals(core))) {
            throw new InvalidSettingException("CMS_METRICS_TOKEN", "must differ from CMS_ADMIN_TOKEN and CMS_CORE_TOKEN");
        }
        return new HostSettings(port, bind, dataDir, pluginsDir, dbUrl, dbUser, dbPassword, admin, core, metrics,
                environment);
    }

    private static int port(Variables vars) {
        String raw = vars.get("CMS_PORT").orElse("8080");
        try {
            int port = Integer.parseInt(raw);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new InvalidSettingException("CMS_PORT", "must be a port number from 0 to 65535, got '" + raw + "'");
    }

    private static String bind(Variables vars) {
        String raw = vars.get("CMS_BIND").orElse("127.0.0.1");
        try {
            InetAddress.getByName(raw);
            return raw;
        } catch (UnknownHostException | SecurityException e) {
            throw new InvalidSettingException("CMS_BIND", "'" + raw + "' is not an address of this machine");
        }
    }

    private static Path path(Variables vars, String name, String fallback) {
        String raw = vars.get(name).orElse(fallback);
        try {
            return Path.of(raw).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new InvalidSettingException(name, "'" + raw + "' is not a valid path: " + e.getReason());
        }
    }

    private static Optional<String> token(Variables vars, String name) {
        Optional<String> value = vars.get(name);
        if (value.isPresent() && (value.get().length() < MIN_TOKEN_LENGTH || value.get().chars().anyMatch(c -> c <= ' '
                || c > '~'))) {
            throw new InvalidSettingException(name, "must be at least " + MIN_TOKEN_LENGTH
                    + " printable ASCII characters without spaces");
        }
        return value;
    }

    @Override
    public String toString() {
        return "HostSettings[port=" + port + ", bind=" + bind + ", dataDir=" + dataDir + ", pluginsDir=" + pluginsDir
                + ", dbUrl=" + dbUrl + "]";
    }

    /** Environment lookups where a blank value counts as unset. */
    private record Variables(Map<String, String> environment) {
        Optional<String> get(String name) {
            String value = environment.get(name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }
    }
}
