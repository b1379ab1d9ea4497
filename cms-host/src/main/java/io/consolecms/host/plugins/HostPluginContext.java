package io.consolecms.host.plugins;

import io.consolecms.host.http.StaticFiles;
import io.consolecms.plugin.CollectionDefinition;
import io.consolecms.plugin.EncryptionKeys;
import io.consolecms.plugin.EventListener;
import io.consolecms.plugin.EventPublisher;
import io.consolecms.plugin.PluginContext;
import io.consolecms.plugin.PluginSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The context of one plugin's start. It collects the contributions; {@link #seal()} ends the start, after which the
 * contribution methods throw {@link IllegalStateException}.
 */
final class HostPluginContext implements PluginContext {

    private final String pluginId;
    private final PluginSettings settings;
    private final DataSource dataSource;
    private final EventPublisher events;
    private final EncryptionKeys keys;
    private final MeterRegistry meters;
    private final ClassLoader pluginLoader;
    private final Taken taken;

    private final List<CollectionDefinition> collections = new ArrayList<>();
    private final List<Object> resources = new ArrayList<>();
    private final List<String> resourcePaths = new ArrayList<>();
    private final List<Object> providers = new ArrayList<>();
    private final List<EventListener> listeners = new ArrayList<>();
    private final List<StaticFiles> uiAssets = new ArrayList<>();
    private volatile boolean open = true;

    /**
     * The names and paths that plugins started earlier already took.
     *
     * @param collections collection name → plugin id
     * @param resourcePaths resource path → plugin id
     */
    record Taken(Map<String, String> collections, Map<String, String> resourcePaths) {
    }

    HostPluginContext(String pluginId, Map<String, String> environment, DataSource dataSource, EventPublisher events,
                      EncryptionKeys keys, MeterRegistry meters, ClassLoader pluginLoader, Taken taken) {
        this.pluginId = pluginId;
        this.settings = PluginSettings.forPlugin(pluginId, environment);
        this.dataSource = dataSource;
        this.events = events;
        this.keys = keys;
        this.meters = meters;
        this.pluginLoader = pluginLoader;
        this.taken = taken;
    }

    @Override
    public PluginSettings settings() {
        return settings;
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    public EventPublisher events() {
        return events;
    }

    @Override
    public Optional<EncryptionKeys> encryptionKeys() {
        return Optional.ofNullable(keys);
    }

    @Override
    public MeterRegistry meterRegistry() {
        return meters;
    }

    @Override
    public synchronized void addCollection(CollectionDefinition collection) {
        requireOpen();
        Objects.requireNonNull(collection, "collection");
        String owner = taken.collections().get(collection.name());
        if (owner != null || collections.stream().anyMatch(c -> c.name().equals(collection.name()))) {
            throw new IllegalArgumentException("collection '" + collection.name() + "' already exists (plugin "
                    + (owner != null ? owner : pluginId) + ")");
        }
        collections.add(collection);
    }

    @Override
    public synchronized void addResource(Object resource) {
        requireOpen();
        String path = ResourcePaths.of(resource);
        String owner = taken.resourcePaths().get(path);
        if (owner != null || resourcePaths.contains(path)) {
            throw new IllegalArgumentException("path '" + path + "' is already served (plugin "
                    + (owner != null ? owner : pluginId) + ")");
        }
        resources.add(resource);
        resourcePaths.add(path);
    }

    @Override
    public synchronized void addProvider(Object provider) {
        requireOpen();
        providers.add(Objects.requireNonNull(provider, "provider"));
    }

    @Override
    public synchronized void addEventListener(EventListener listener) {
        requireOpen();
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public synchronized void addUiAssets(String classpathFolder) {
        requireOpen();
        uiAssets.add(new StaticFiles(pluginLoader, classpathFolder));
    }

    /** The resource paths this plugin took, for the next plugins' {@link Taken}. */
    synchronized List<String> resourcePaths() {
        return List.copyOf(resourcePaths);
    }

    /** Ends the start: no more contributions; returns what was contributed. */
    synchronized Contributions seal() {
        open = false;
        return new Contributions(collections, resources, providers, listeners, uiAssets);
    }

    private void requireOpen() {
        if (!open) {
            throw new IllegalStateException("plugin " + pluginId + " may contribute only during its start");
        }
    }
}
