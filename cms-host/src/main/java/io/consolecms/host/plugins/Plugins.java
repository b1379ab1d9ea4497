package io.consolecms.host.plugins;

import io.consolecms.host.http.StaticFiles;
import io.consolecms.plugin.Plugin;
import java.io.IOException;
import java.net.URLClassLoader;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The plugins the host loaded, in start order, and what the started ones contributed. */
public final class Plugins implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);

    private final List<InstalledPlugin> installed;
    private final List<URLClassLoader> loaders;

    Plugins(List<InstalledPlugin> installed, List<URLClassLoader> loaders) {
        this.installed = List.copyOf(installed);
        this.loaders = List.copyOf(loaders);
    }

    /** Every plugin, started or failed, in start order. */
    public List<InstalledPlugin> installed() {
        return installed;
    }

    /** The started plugins, in start order. */
    public Stream<InstalledPlugin> started() {
        return installed.stream().filter(p -> p.state() == PluginState.STARTED);
    }

    /** Every started plugin's resource instances. */
    public List<Object> resources() {
        return started().flatMap(p -> p.contributions().resources().stream()).toList();
    }

    /** Every started plugin's provider instances. */
    public List<Object> providers() {
        return started().flatMap(p -> p.contributions().providers().stream()).toList();
    }

    /** The UI asset folders of a started plugin; empty for an unknown one. */
    public List<StaticFiles> uiAssets(String pluginId) {
        return started().filter(p -> p.id().equals(pluginId))
                .flatMap(p -> p.contributions().uiAssets().stream()).toList();
    }

    /** Closes the started plugins in reverse start order, then their class loaders. */
    @Override
    public void close() {
        List<InstalledPlugin> running = started().toList();
        for (int i = running.size() - 1; i >= 0; i--) {
            closeQuietly(running.get(i).id(), running.get(i).plugin());
        }
        for (URLClassLoader loader : loaders) {
            try {
                loader.close();
            } catch (IOException e) {
                LOG.warn("cannot close class loader {}: {}", loader.getName(), e.toString());
            }
        }
    }

    static void closeQuietly(String id, Plugin plugin) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(plugin.getClass().getClassLoader());
        try {
            plugin.close();
        } catch (Exception | LinkageError e) {
            LOG.warn("plugin {} failed to close: {}", id, e.toString(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
