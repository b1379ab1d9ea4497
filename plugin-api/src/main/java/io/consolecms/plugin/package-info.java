/**
 * The extension point that a Console CMS host offers to plugins.
 *
 * <p>A plugin is one jar dropped into the host's plugins folder. The jar names its {@link io.consolecms.plugin.Plugin}
 * implementation in {@code META-INF/services/io.consolecms.plugin.Plugin}; the host loads each jar with a class loader
 * of its own, whose parent is the host's class loader, and finds the plugin with {@link java.util.ServiceLoader}.
 *
 * <p>What the host provides on that parent class loader, and a plugin must therefore not bundle: this API, the
 * Jakarta REST API (served by Jersey), Jakarta Bean Validation (Hibernate Validator), Jackson databind and SLF4J.
 * Anything else a plugin needs (a migration library, an HTTP client, …) it bundles in its own jar.
 *
 * <p>Life of a plugin: the host constructs it (public no-argument constructor), calls
 * {@link io.consolecms.plugin.Plugin#start} once with a {@link io.consolecms.plugin.PluginContext}, during which the
 * plugin contributes collections, HTTP resources and event listeners; then the host starts serving. On shutdown the
 * host calls {@link io.consolecms.plugin.Plugin#close} once, after it has stopped serving HTTP and publishing events.
 */
package io.consolecms.plugin;
