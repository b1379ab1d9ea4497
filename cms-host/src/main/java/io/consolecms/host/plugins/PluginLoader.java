package io.consolecms.host.plugins;

import io.consolecms.plugin.EncryptionKeys;
import io.consolecms.plugin.EventPublisher;
import io.consolecms.plugin.Plugin;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the plugins: first those built into the embedding application, then each jar's of the plugins folder. A
 * plugin that cannot start is closed, marked {@code FAILED} and skipped; the others go on.
 */
public final class PluginLoader {

    private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final Map<String, String> environment;
    private final DataSource dataSource;
    private final EventPublisher events;
    private final EncryptionKeys keys;
    private final MeterRegistry meters;
    private final BiConsumer<String, Contributions> onStarted;

    private final List<InstalledPlugin> installed = new ArrayList<>();
    private final Map<String, String> takenCollections = new HashMap<>();
    private final Map<String, String> takenPaths = new HashMap<>();

    /**
     * @param environment every environment variable; each plugin sees only its own
     * @param dataSource the host's database
     * @param events the host's publisher, offered to the plugins
     * @param keys the keys for data at rest, offered to the plugins
     * @param meters the host's meter registry, offered to the plugins
     * @param onStarted called with each started plugin's id and contributions (e.g. to register its listeners)
     */
    public PluginLoader(Map<String, String> environment, DataSource dataSource, EventPublisher events,
                        EncryptionKeys keys, MeterRegistry meters, BiConsumer<String, Contributions> onStarted) {
        this.environment = environment;
        this.dataSource = dataSource;
        this.events = events;
        this.keys = keys;
        this.meters = meters;
        this.onStarted = onStarted;
    }

    /** Starts {@code builtIn} plugins, then the plugins of {@code folder}; returns them all. */
    public Plugins start(List<Plugin> builtIn, Path folder) throws IOException {
        ClassLoader hostLoader = PluginLoader.class.getClassLoader();
        // Read before anything starts, so that an unreadable folder leaves nothing to close.
        List<PluginJars.Jar> jars = PluginJars.load(folder, new ExposedPackagesLoader(hostLoader));
        for (Plugin plugin : builtIn) {
            start(plugin, hostLoader, "the host's class path");
        }
        List<URLClassLoader> loaders = new ArrayList<>();
        for (PluginJars.Jar jar : jars) {
            if (jar.failure() != null) {
                fail(jar.name(), "unknown", jar.failure(), null, null);
            }
            boolean anyStarted = false;
            for (Plugin plugin : jar.plugins()) {
                anyStarted |= start(plugin, jar.loader(), jar.jar().getFileName().toString());
            }
            if (jar.loader() != null) {
                if (anyStarted) {
                    loaders.add(jar.loader());
                } else {
                    jar.loader().close();
                }
            }
        }
        return new Plugins(installed, loaders);
    }

    private boolean start(Plugin plugin, ClassLoader loader, String source) {
        String id;
        String version;
        try {
            id = plugin.id();
            version = plugin.version();
        } catch (RuntimeException e) {
            fail(plugin.getClass().getName(), "unknown", "id() or version() failed: " + e, e, plugin);
            return false;
        }
        if (id == null || !ID.matcher(id).matches()) {
            fail(String.valueOf(id), version, "invalid plugin id '" + id + "' in " + source
                    + ": lower-case letters, digits and dashes", null, plugin);
            return false;
        }
        if (installed.stream().anyMatch(p -> p.id().equals(id))) {
            fail(id, version, "duplicate plugin id '" + id + "' in " + source + ": another plugin has it", null,
                    plugin);
            return false;
        }
        HostPluginContext context = new HostPluginContext(id, environment, dataSource, events, keys, meters, loader,
                new HostPluginContext.Taken(Map.copyOf(takenCollections), Map.copyOf(takenPaths)));
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            plugin.start(context);
        } catch (Exception | LinkageError | AssertionError e) {
            context.seal();
            fail(id, version, reason(e), e, plugin);
            return false;
        } finally {
            thread.setContextClassLoader(previous);
        }
        Contributions contributions = context.seal();
        Optional<String> refused = ResourceModelCheck.problems(contributions.resources(), contributions.providers());
        if (refused.isPresent()) {
            fail(id, version, refused.get(), null, plugin);
            return false;
        }
        contributions.collections().forEach(c -> takenCollections.put(c.name(), id));
        context.resourcePaths().forEach(path -> takenPaths.put(path, id));
        installed.add(InstalledPlugin.started(id, version, plugin, contributions));
        onStarted.accept(id, contributions);
        return true;
    }

    private void fail(String id, String version, String reason, Throwable cause, Plugin plugin) {
        LOG.error("plugin {} {} FAILED: {}", id, version, reason, cause);
        if (plugin != null) {
            Plugins.closeQuietly(id, plugin);
        }
        installed.add(InstalledPlugin.failed(id, version, reason, plugin));
    }

    private static String reason(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : message;
    }
}
