package io.consolecms.host.plugins;

import jakarta.ws.rs.Path;
import java.util.Set;

/** Where a plugin's resource may live: under {@code api/}, never on a path the host serves itself. */
final class ResourcePaths {

    private static final Set<String> RESERVED = Set.of("plugins", "collections", "events");

    private ResourcePaths() {
    }

    /**
     * The resource's {@code @Path} without surrounding slashes.
     *
     * @throws IllegalArgumentException when it has none, or one outside {@code api/}, or a reserved one
     */
    static String of(Object resource) {
        if (resource == null || resource instanceof Class<?>) {
            throw new IllegalArgumentException("a resource must be an instance of a class annotated with @Path");
        }
        Path annotation = resource.getClass().getAnnotation(Path.class);
        if (annotation == null) {
            throw new IllegalArgumentException(resource.getClass().getName() + " has no @Path");
        }
        String path = annotation.value().replaceAll("^/+|/+$", "");
        String[] segments = path.split("/+");
        if (segments.length < 2 || !segments[0].equals("api")) {
            throw new IllegalArgumentException(resource.getClass().getName() + " has @Path(\"" + annotation.value()
                    + "\"); a plugin resource's path must start with api/ and name its collection, e.g. api/webhooks");
        }
        String name = segments[1];
        if (RESERVED.contains(name) || name.contains("{")) {
            throw new IllegalArgumentException(resource.getClass().getName() + " has @Path(\"" + annotation.value()
                    + "\"), which the host keeps for itself or cannot route safely");
        }
        return path;
    }
}
