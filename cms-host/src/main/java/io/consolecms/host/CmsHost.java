package io.consolecms.host;

import io.consolecms.host.auth.TokenFile;
import io.consolecms.host.auth.Tokens;
import io.consolecms.host.database.Database;
import io.consolecms.host.events.EventsHandler;
import io.consolecms.host.events.HostEventPublisher;
import io.consolecms.host.http.HttpApi;
import io.consolecms.host.keys.AtRestKeys;
import io.consolecms.host.metrics.HostMetrics;
import io.consolecms.host.plugins.InstalledPlugin;
import io.consolecms.host.plugins.PluginLoader;
import io.consolecms.host.plugins.Plugins;
import io.consolecms.plugin.EncryptionKeys;
import io.consolecms.plugin.EventPublisher;
import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginSettings.InvalidSettingException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running CMS host: database pool, plugins, HTTP API and admin UI. Started by {@link Main}, or in-process by an
 * application that embeds it (Console core, tests), which may also hand it plugins of its own class path.
 */
public final class CmsHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CmsHost.class);

    private final Database database;
    private final Plugins plugins;
    private final HostEventPublisher events;
    private final HostMetrics metrics;
    private final AtomicBoolean running = new AtomicBoolean();
    private HttpApi http;

    private CmsHost(Database database, Plugins plugins, HostEventPublisher events, HostMetrics metrics) {
        this.database = database;
        this.plugins = plugins;
        this.events = events;
        this.metrics = metrics;
    }

    /** Starts a host with the plugins of its plugins folder. */
    public static CmsHost start(Map<String, String> environment) {
        return start(environment, List.of());
    }

    /**
     * Starts a host: settings, tokens, database, plugins ({@code builtIn} first, then the folder's), then HTTP.
     *
     * @param environment the settings, usually {@link System#getenv()}
     * @param builtIn plugins of the embedding application's class path, started before the folder's
     * @throws InvalidSettingException naming the variable whose value cannot be used
     */
    public static CmsHost start(Map<String, String> environment, List<Plugin> builtIn) {
        HostSettings settings = HostSettings.fromEnvironment(environment);
        LOG.info("starting Console CMS host {}", version());
        Tokens tokens = tokens(settings);
        EncryptionKeys keys = AtRestKeys.resolve(settings.environment(), settings.dataDir());
        HostMetrics metrics = HostMetrics.start();
        Database database;
        try {
            database = Database.open(settings.dbUrl(), settings.dbUser(), settings.dbPassword(), metrics.registry());
        } catch (RuntimeException | Error e) {
            metrics.close();
            throw e;
        }
        HostEventPublisher events = new HostEventPublisher(metrics.registry());
        Plugins plugins = null;
        try {
            plugins = new PluginLoader(settings.environment(), database.dataSource(), events, keys,
                    metrics.registry(),
                    (id, contributions) -> contributions.listeners().forEach(l -> events.addListener(id, l)))
                    .start(builtIn, settings.pluginsDir());
            CmsHost host = new CmsHost(database, plugins, events, metrics);
            host.running.set(true);
            host.http = HttpApi.start(settings.bind(), settings.port(), HostApplication.create(tokens, plugins,
                    host.running::get, database::answers, metrics), jersey -> new EventsHandler(tokens, events, jersey),
                    metrics.registry());
            host.logStarted(settings, tokens);
            return host;
        } catch (IOException e) {
            closeAll(plugins, database, metrics);
            throw new InvalidSettingException("CMS_PLUGINS_DIR", "cannot read " + settings.pluginsDir() + ": " + e);
        } catch (RuntimeException | Error e) {
            closeAll(plugins, database, metrics);
            throw e;
        }
    }

    /** The publisher through which Console core publishes events in-process, as over {@code POST /api/events}. */
    public EventPublisher events() {
        return events;
    }

    /** The URL the host serves, e.g. {@code http://127.0.0.1:8080/}. */
    public URI baseUri() {
        return http.baseUri();
    }

    /** Every plugin, started or failed, in start order. */
    public List<InstalledPlugin> plugins() {
        return plugins.installed();
    }

    /**
     * Stops serving HTTP, closes the plugins in reverse start order, then the database pool and the meter registry.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        LOG.info("stopping");
        http.close();
        closeAll(plugins, database, metrics);
        LOG.info("stopped");
    }

    private static void closeAll(Plugins plugins, Database database, HostMetrics metrics) {
        try {
            if (plugins != null) {
                plugins.close();
            }
            database.close();
        } finally {
            metrics.close();
        }
    }

    private static String version() {
        String version = CmsHost.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }

    private static Tokens tokens(HostSettings settings) {
        Path dataDir = settings.dataDir();
        try {
            DataFolder.create(dataDir);
            Path adminFile = dataDir.resolve("admin-token");
            Path coreFile = dataDir.resolve("core-token");
            String admin = orFile(settings.adminToken(), adminFile);
            String core = orFile(settings.coreToken(), coreFile);
            if (admin.equals(core)) {
                throw new InvalidSettingException("CMS_CORE_TOKEN", "the core token must differ from the admin token");
            }
            if (settings.metricsToken().filter(metrics -> metrics.equals(admin) || metrics.equals(core)).isPresent()) {
                throw new InvalidSettingException("CMS_METRICS_TOKEN", "must differ from the admin and core tokens");
            }
            return new Tokens(admin, source(settings.adminToken(), adminFile, "CMS_ADMIN_TOKEN"),
                    core, source(settings.coreToken(), coreFile, "CMS_CORE_TOKEN"), settings.metricsToken());
        } catch (IOException e) {
            throw new InvalidSettingException("CMS_DATA_DIR", "cannot keep tokens in " + dataDir + ": " + e);
        }
    }

    private static String orFile(Optional<String> fromEnvironment, Path file) throws IOException {
        return fromEnvironment.isPresent() ? fromEnvironment.get() : TokenFile.readOrGenerate(file);
    }

    private static String source(Optional<String> fromEnvironment, Path file, String variable) {
        return fromEnvironment.isPresent() ? "from " + variable : file.toString();
    }

    private void logStarted(HostSettings settings, Tokens tokens) {
        for (InstalledPlugin plugin : plugins.installed()) {
            if (plugin.reason() == null) {
                LOG.info("plugin {} {} {}", plugin.id(), plugin.version(), plugin.state());
            } else {
                LOG.warn("plugin {} {} {}: {}", plugin.id(), plugin.version(), plugin.state(), plugin.reason());
            }
        }
        if (plugins.installed().isEmpty()) {
            LOG.info("no plugins in {}", settings.pluginsDir());
        }
        LOG.info("database {}", Database.redacted(settings.dbUrl()));
        LOG.info("admin token: {}", tokens.adminSource());
        LOG.info("core token: {}", tokens.coreSource());
        LOG.info("secret key: {}", AtRestKeys.source(settings.environment(), settings.dataDir()));
        LOG.info("metrics: GET /metrics with the admin token{}",
                settings.metricsToken().isPresent() ? " or CMS_METRICS_TOKEN" : "");
        LOG.info("listening on {}", http.baseUri());
    }
}
