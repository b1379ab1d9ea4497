package io.consolecms.host.plugins;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The parent of every plugin jar's class loader: the host's class loader seen through a filter. A plugin sees the JDK
 * and the packages of {@link #EXPOSED}, which plugin-api's package documentation lists, and nothing else of the
 * host's class path (no Jersey server, Jetty, HikariCP, H2, the host's own classes); for anything else it loads its
 * own copy, from its jar, or fails with {@link ClassNotFoundException}. Resources follow the same rule, so a plugin's
 * {@link java.util.ServiceLoader} finds no service file of the host's libraries, only its own.
 */
final class ExposedPackagesLoader extends ClassLoader {

    /**
     * The packages a plugin shares with the host, each with its sub-packages: the API, the Jakarta APIs its resources
     * and their annotations use, Jackson (whose annotations and types the host's JSON provider reads), SLF4J, and
     * Micrometer's instrument API (the type of the host's meter registry, which plugins register their meters in).
     */
    static final List<String> EXPOSED = List.of("io.consolecms.plugin", "jakarta.ws.rs", "jakarta.validation",
            "jakarta.inject", "jakarta.annotation", "com.fasterxml.jackson.annotation", "com.fasterxml.jackson.core",
            "com.fasterxml.jackson.databind", "org.slf4j", "io.micrometer.core.instrument");

    private static final List<String> EXPOSED_PREFIXES = EXPOSED.stream().map(p -> p + ".").toList();
    private static final List<String> EXPOSED_DIRECTORIES = EXPOSED.stream().map(p -> p.replace('.', '/') + "/")
            .toList();

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader host;

    /** The packages of {@link #EXPOSED} as {@code host} loads them, and the JDK. */
    ExposedPackagesLoader(ClassLoader host) {
        // The platform loader as parent: the JDK's classes come first and from the JDK, whatever the host bundles.
        super("plugin-api", ClassLoader.getPlatformClassLoader());
        this.host = host;
    }

    /** Whether {@code className} (binary name) is of an exposed package or one of their sub-packages. */
    static boolean isExposed(String className) {
        return EXPOSED_PREFIXES.stream().anyMatch(className::startsWith);
    }

    private static boolean isExposedResource(String name) {
        return EXPOSED_DIRECTORIES.stream().anyMatch(name::startsWith);
    }

    /** Called once the JDK has no class of that name. */
    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (isExposed(name)) {
            return host.loadClass(name);
        }
        throw new ClassNotFoundException(name + " (the host exposes to plugins only " + String.join(", ", EXPOSED)
                + " and the JDK; a plugin bundles anything else)");
    }

    @Override
    protected URL findResource(String name) {
        return isExposedResource(name) ? host.getResource(name) : null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        return isExposedResource(name) ? host.getResources(name) : Collections.emptyEnumeration();
    }
}
