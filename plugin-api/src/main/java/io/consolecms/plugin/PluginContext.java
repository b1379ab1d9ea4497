package io.consolecms.plugin;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What the host offers a plugin during {@link Plugin#start}. The contribution methods may be called only during
 * {@code start}, on the thread that called it; afterwards they throw {@link IllegalStateException}. The accessors
 * ({@link #settings()}, {@link #dataSource()}, {@link #events()}, {@link #encryptionKeys()}, {@link #meterRegistry()})
 * stay valid until {@link Plugin#close()} returns and may be used from any thread.
 */
public interface PluginContext {

    /** This plugin's own settings, and no other plugin's. */
    PluginSettings settings();

    /**
     * The host's database, pooled. The plugin owns the tables it creates there; it should prefix them or keep a schema
     * history of its own so that plugins do not collide. Connections must be closed promptly (try-with-resources) and
     * should not be held while waiting on the network.
     */
    DataSource dataSource();

    /**
     * Contributes a collection: its metadata drives the admin UI's menu and forms, and is listed by
     * {@code GET /api/collections}. The collection's HTTP API is a resource added with {@link #addResource}.
     *
     * @throws IllegalArgumentException when another collection already has that name
     */
    void addCollection(CollectionDefinition collection);

    /**
     * Contributes a JAX-RS resource instance (a singleton: it must be thread-safe). Its class's {@code @Path} must
     * start with {@code api/} (e.g. {@code @Path("api/webhooks")}) and must not take a path the host serves itself
     * ({@code api/plugins}, {@code api/collections}, {@code api/events}). Every request to it carries the
     * administrator's bearer token, checked by the host before the resource is called; the request's
     * {@code SecurityContext} names the caller as its user principal.
     *
     * <p>Resources are called on the host's request threads, concurrently. An exception that is not a
     * {@code WebApplicationException} becomes a 500 whose body carries only an error id, which is logged with the
     * exception.
     *
     * @throws IllegalArgumentException when the class has no {@code @Path} under {@code api/}
     */
    void addResource(Object resource);

    /**
     * Contributes a JAX-RS provider instance for this plugin's resources (an {@code ExceptionMapper}, a
     * {@code MessageBodyReader}, …). It is registered with the host's application, so it should be specific to
     * types the plugin owns.
     */
    default void addProvider(Object provider) {
        throw new UnsupportedOperationException("this host does not accept providers from plugins");
    }

    /**
     * Contributes a listener that is called for every Console event published to the host, over HTTP or in-process.
     * See {@link EventListener} for when and how it is called.
     */
    void addEventListener(EventListener listener);

    /**
     * Contributes static files for the admin UI, served by the host at {@code /plugins/<plugin id>/<path>} from the
     * plugin's class path under {@code classpathFolder}. A collection can name one of these files as its UI extension
     * module ({@link CollectionDefinition#uiModule()}).
     */
    default void addUiAssets(String classpathFolder) {
        throw new UnsupportedOperationException("this host does not serve plugin UI assets");
    }

    /** The host's event publisher, so that a plugin can publish Console events in-process like Console core does. */
    EventPublisher events();

    /**
     * The keys with which this plugin encrypts what it keeps at rest (signing secrets, passwords): the host's
     * {@code CMS_SECRET_KEY} and {@code CMS_SECRET_KEY_PREVIOUS}, or the key it generated into its data folder. The
     * same for every plugin, resolved once before the first plugin starts; may be called from any thread until
     * {@link Plugin#close()} returns.
     *
     * @return the keys, or empty when the host offers none (a host older than this method)
     */
    default Optional<EncryptionKeys> encryptionKeys() {
        return Optional.empty();
    }

    /**
     * The host's meter registry, the one it serves on {@code GET /metrics} (Prometheus text format), where a plugin
     * registers its own meters with Micrometer's API ({@code io.micrometer.core.instrument}, which the host exposes to
     * plugins: a plugin must not bundle Micrometer). The same registry for every plugin and for the host's own meters
     * (JVM, connection pool, HTTP server), so a plugin prefixes its meter names with what it is about (e.g.
     * {@code webhook.deliveries}); Micrometer's Prometheus naming turns dots into underscores and adds the unit and
     * {@code _total} suffixes. Tags must have a bounded set of values. Meters may be registered at any time from any
     * thread until {@link Plugin#close()} returns; a plugin removes in {@code close} the meters whose values come from
     * what it closes (gauges reading its database or queues), so that a scrape never calls into a closed plugin.
     *
     * @return the host's registry; by default (a host that keeps no metrics) a registry that keeps nothing
     */
    default MeterRegistry meterRegistry() {
        return new CompositeMeterRegistry();
    }
}
