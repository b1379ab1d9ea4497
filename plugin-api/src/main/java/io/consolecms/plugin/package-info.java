/**
 * The extension point that a Console CMS host offers to plugins.
 *
 * <p>A plugin is one jar dropped into the host's plugins folder. The jar names its {@link io.consolecms.plugin.Plugin}
 * implementation in {@code META-INF/services/io.consolecms.plugin.Plugin}; the host loads each jar with a class loader
 * of its own and finds the plugin with {@link java.util.ServiceLoader}.
 *
 * <p>What a plugin sees of the host, and must therefore not bundle, is exactly these packages (with their
 * sub-packages), shared with the host so that its resources, annotations and entities are the host's own types:
 * <ul>
 *   <li>{@code io.consolecms.plugin}: this API;</li>
 *   <li>{@code jakarta.ws.rs}: Jakarta REST (served by Jersey);</li>
 *   <li>{@code jakarta.validation}: Jakarta Bean Validation (the host's provider is Hibernate Validator, found with
 *       {@code ServiceLoader.load(ValidationProvider.class, Validation.class.getClassLoader())});</li>
 *   <li>{@code jakarta.inject}, {@code jakarta.annotation};</li>
 *   <li>{@code com.fasterxml.jackson.annotation}, {@code com.fasterxml.jackson.core},
 *       {@code com.fasterxml.jackson.databind}: Jackson, with which the host reads and writes resources' entities;</li>
 *   <li>{@code org.slf4j}: SLF4J's API (the host's logging backend writes the lines);</li>
 *   <li>{@code io.micrometer.core.instrument}: Micrometer's API, so that a plugin registers its meters in the host's
 *       registry ({@link io.consolecms.plugin.PluginContext#meterRegistry()});</li>
 *   <li>the JDK.</li>
 * </ul>
 * Nothing else of the host's class path is visible to a plugin (not Jersey's or Jetty's implementation, the connection
 * pool, the JDBC drivers, nor the host's own classes), nor their resources or service files: a plugin bundles in its
 * own jar anything else it needs (a migration library, an HTTP client, …) and always gets its own copy of it.
 *
 * <p>Life of a plugin: the host constructs it (public no-argument constructor), calls
 * {@link io.consolecms.plugin.Plugin#start} once with a {@link io.consolecms.plugin.PluginContext}, during which the
 * plugin contributes collections, HTTP resources and event listeners; then the host starts serving. On shutdown the
 * host calls {@link io.consolecms.plugin.Plugin#close} once, after it has stopped serving HTTP and publishing events.
 */
package io.consolecms.plugin;
