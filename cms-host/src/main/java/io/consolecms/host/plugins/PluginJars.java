package io.consolecms.host.plugins;

import io.consolecms.plugin.Plugin;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the plugins of a folder: every {@code *.jar}, by name, each in a class loader of its own whose parent is the
 * host's as plugins may see it ({@link ExposedPackagesLoader}), searched with {@link ServiceLoader}.
 */
final class PluginJars {

    private static final Logger LOG = LoggerFactory.getLogger(PluginJars.class);

    private PluginJars() {
    }

    /**
     * What one jar holds: its plugins (not started), or why none could be made.
     *
     * @param jar the jar file
     * @param loader the jar's own class loader, or {@code null} when none could be made
     * @param plugins the plugins it names; empty when {@code failure} is set
     * @param failure why the jar could not be loaded, or {@code null}
     */
    record Jar(Path jar, URLClassLoader loader, List<Plugin> plugins, String failure) {

        /** The name a failed jar is listed under: its file name without {@code .jar}. */
        String name() {
            String file = jar.getFileName().toString();
            return file.endsWith(".jar") ? file.substring(0, file.length() - 4) : file;
        }
    }

    /** The jars of {@code folder}, sorted by name; none when the folder does not exist. */
    static List<Jar> load(Path folder, ClassLoader parent) throws IOException {
        if (!Files.isDirectory(folder)) {
            LOG.warn("no plugins folder at {}: starting without plugins", folder);
            return List.of();
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(folder)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                    .sorted()
                    .toList();
        }
        List<Jar> result = new ArrayList<>();
        for (Path jar : jars) {
            result.add(loadJar(jar.toAbsolutePath(), parent));
        }
        return result;
    }

    private static Jar loadJar(Path jar, ClassLoader parent) {
        URLClassLoader loader;
        try {
            loader = new URLClassLoader("plugin:" + jar.getFileName(), new URL[] {jar.toUri().toURL()}, parent);
        } catch (IOException e) {
            return new Jar(jar, null, List.of(), "cannot open " + jar.getFileName() + ": " + e.getMessage());
        }
        List<Plugin> plugins = new ArrayList<>();
        try {
            Iterator<ServiceLoader.Provider<Plugin>> providers =
                    ServiceLoader.load(Plugin.class, loader).stream().iterator();
            while (providers.hasNext()) {
                ServiceLoader.Provider<Plugin> provider = providers.next();
                // The parent's providers are visible too; only this jar's own are its plugins.
                if (provider.type().getClassLoader() == loader) {
                    plugins.add(provider.get());
                }
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            return new Jar(jar, loader, List.of(), "cannot load a plugin from " + jar.getFileName() + ": "
                    + e.getMessage());
        }
        if (plugins.isEmpty()) {
            return new Jar(jar, loader, List.of(), jar.getFileName() + " names no " + Plugin.class.getName()
                    + " in META-INF/services");
        }
        return new Jar(jar, loader, plugins, null);
    }
}
