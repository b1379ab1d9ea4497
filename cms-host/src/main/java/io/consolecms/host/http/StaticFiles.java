package io.consolecms.host.http;

import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Static files from a class loader's folder: only known file types, never outside the folder.
 *
 * @param loader where the files are
 * @param folder the class-path folder, e.g. {@code admin-ui}
 */
public record StaticFiles(ClassLoader loader, String folder) {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"));

    public StaticFiles {
        folder = trimSlashes(folder);
        if (folder.isEmpty() || !isSafe(folder)) {
            throw new IllegalArgumentException("not a class-path folder: '" + folder + "'");
        }
    }

    /** The file at {@code path} below the folder as a 200 answer, or empty when there is no such servable file. */
    public Optional<Response> serve(String path) {
        if (path == null || path.isEmpty() || path.startsWith("/") || !isSafe(path)) {
            return Optional.empty();
        }
        String type = contentType(path);
        if (type == null) {
            return Optional.empty();
        }
        String name = folder + "/" + path;
        // A plugin jar's loader looks in its own jar only, not first in the host's class path as getResource would.
        URL url = loader instanceof URLClassLoader own ? own.findResource(name) : loader.getResource(name);
        if (url == null || isDirectory(url)) {
            return Optional.empty();
        }
        try (InputStream in = url.openStream()) {
            byte[] bytes = in.readAllBytes();
            CacheControl noCache = new CacheControl();
            noCache.setNoCache(true);
            // X-Content-Type-Options and the other hardening headers: SecurityHeaders, on every response
            return Optional.of(Response.ok(bytes, type).cacheControl(noCache).build());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + url, e);
        }
    }

    /** The content type of a file name by its extension, or {@code null} for a type that is not served. */
    static String contentType(String path) {
        int dot = path.lastIndexOf('.');
        int slash = path.lastIndexOf('/');
        if (dot <= slash + 1) {
            return null;
        }
        return TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static boolean isSafe(String path) {
        if (path.contains("\\") || path.contains("\0") || path.contains(":")) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDirectory(URL url) {
        if (!"file".equals(url.getProtocol())) {
            return url.getPath().endsWith("/");
        }
        try {
            return !Files.isRegularFile(Path.of(url.toURI()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return true;
        }
    }

    private static String trimSlashes(String text) {
        String trimmed = text == null ? "" : text.trim();
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }
}
