package io.consolecms.webhooks.delivery;

import io.consolecms.plugin.CollectionDefinition;
import io.consolecms.plugin.EventListener;
import io.consolecms.plugin.EventPublisher;
import io.consolecms.plugin.PluginContext;
import io.consolecms.plugin.PluginSettings;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** A plugin context that keeps what a plugin contributes, so that a test can serve and call it. */
final class RecordingPluginContext implements PluginContext {

    final List<Object> resources = new ArrayList<>();
    final List<EventListener> listeners = new ArrayList<>();
    /** The registry offered to the plugin, as the host's keeps what a plugin registers. */
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PluginSettings settings;
    private final DataSource dataSource;
    /** The keys offered to the plugin; a test may replace them before the start (a wrong key, a rotation). */
    io.consolecms.plugin.EncryptionKeys keys = io.consolecms.webhooks.secrets.TestKeys.keys();

    RecordingPluginContext(Map<String, String> environment, DataSource dataSource) {
        this.settings = PluginSettings.forPlugin("webhooks", environment);
        this.dataSource = dataSource;
    }

    @Override
    public MeterRegistry meterRegistry() {
        return meters;
    }

    @Override
    public java.util.Optional<io.consolecms.plugin.EncryptionKeys> encryptionKeys() {
        return java.util.Optional.of(keys);
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
    public void addCollection(CollectionDefinition collection) {
        throw new UnsupportedOperationException("the delivery side contributes no collection");
    }

    @Override
    public void addResource(Object resource) {
        String path = resource.getClass().getAnnotation(jakarta.ws.rs.Path.class).value();
        if (!path.startsWith("api/")) {
            throw new IllegalArgumentException("a plugin resource path must start with api/: " + path);
        }
        resources.add(resource);
    }

    @Override
    public void addEventListener(EventListener listener) {
        listeners.add(listener);
    }

    @Override
    public EventPublisher events() {
        throw new UnsupportedOperationException("not needed by the delivery side");
    }
}
