package io.consolecms.host.http;

import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * Static files from a class loader's folder: only known file types, never outside the folder. Each file is read once
 * and kept in memory with a strong {@code ETag} (and, for text, a gzip form), so that a browser revalidates with
 * {@code If-None-Match} and gets {@code 304 Not Modified} for what it has.
 */
public final class StaticFiles {

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
    /** Types that gzip makes smaller (PNG and WOFF2 are compressed already). */
    private static final Set<String> COMPRESSIBLE = Set.of("html", "js", "mjs", "css", "json", "map", "svg", "txt");
    /** Revalidate every time: an upgraded host serves new files at once, and an unchanged file costs a 304. */
    private static final CacheControl REVALIDATE = CacheControl.valueOf("no-cache");

    private final ClassLoader loader;
    private final String folder;
    /** Files by path, read once; a path with no servable file maps to empty. Bounded by the files the folder holds. */
    private final Map<String, Optional<File>> files = new ConcurrentHashMap<>();

    /**
     * @param loader where the files are
     * @param folder the class-path folder, e.g. {@code admin-ui}
     */
    public StaticFiles(ClassLoader loader, String folder) {
        this.loader = loader;
        this.folder = trimSlashes(folder);
        if (this.folder.isEmpty() || !isSafe(this.folder)) {
            throw new IllegalArgumentException("not a class-path folder: '" + this.folder + "'");
        }
    }

    /** The file at {@code path} below the folder as a 200 answer, or empty when there is no such servable file. */
    public Optional<Response> serve(String path) {
        return serve(path, null, null);
    }

    /**
     * The file at {@code path} below the folder, or empty when there is no such servable file: {@code 304} when
     * {@code ifNoneMatch} holds its current ETag, else {@code 200}, gzipped when {@code acceptEncoding} allows it.
     */
    public Optional<Response> serve(String path, String ifNoneMatch, String acceptEncoding) {
        if (path == null || path.isEmpty() || path.startsWith("/") || !isSafe(path) || contentType(path) == null) {
            return Optional.empty();
        }
        return file(path).map(file -> file.answer(ifNoneMatch, acceptsGzip(acceptEncoding)));
    }

    private Optional<File> file(String path) {
        // a path that is not in the jar is not remembered, so that requests for random names cannot fill the map
        Optional<File> known = files.get(path);
        if (known != null) {
            return known;
        }
        Optional<File> read = read(path);
        if (read.isPresent()) {
            files.put(path, read);
        }
        return read;
    }

    private Optional<File> read(String path) {
        String name = folder + "/" + path;
        // A plugin jar's loader looks in its own jar only, not first in the host's class path as getResource would.
        URL url = loader instanceof URLClassLoader own ? own.findResource(name) : loader.getResource(name);
        if (url == null || isDirectory(url)) {
            return Optional.empty();
        }
        try (InputStream in = url.openStream()) {
            byte[] bytes = in.readAllBytes();
            String extension = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            byte[] gzipped = COMPRESSIBLE.contains(extension) ? gzip(bytes) : null;
            return Optional.of(new File(bytes, gzipped != null && gzipped.length < bytes.length ? gzipped : null,
                    contentType(path), hash(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + url, e);
        }
    }

    /** A file in memory: its bytes, their gzip form when smaller, and the tag of each. */
    private record File(byte[] bytes, byte[] gzipped, String type, String hash) {

        Response answer(String ifNoneMatch, boolean gzip) {
            boolean zipped = gzip && gzipped != null;
            // a strong tag names one representation: the gzip form gets its own
            String tag = "\"" + hash + (zipped ? "-gz" : "") + "\"";
            Response.ResponseBuilder answer;
            if (matches(ifNoneMatch, tag)) {
                answer = Response.notModified();
            } else {
                answer = Response.ok(zipped ? gzipped : bytes, type);
                if (zipped) {
                    answer.header(HttpHeaders.CONTENT_ENCODING, "gzip");
                }
            }
            // X-Content-Type-Options and the other hardening headers: SecurityHeaders, on every response
            answer.header(HttpHeaders.ETAG, tag).cacheControl(REVALIDATE);
            if (gzipped != null) {
                answer.header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
            }
            return answer.build();
        }
    }

    /** Whether an {@code If-None-Match} list holds {@code tag} or is {@code *} (weak comparison, RFC 9110 13.1.2). */
    static boolean matches(String ifNoneMatch, String tag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String trimmed = candidate.strip();
            if (trimmed.equals("*") || (trimmed.startsWith("W/") ? trimmed.substring(2) : trimmed).equals(tag)) {
                return true;
            }
        }
        return false;
    }

    /** Whether an {@code Accept-Encoding} value accepts gzip: listed (or {@code *}) without {@code q=0}. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.split(";");
            String name = parts[0].strip().toLowerCase(Locale.ROOT);
            if (name.equals("gzip") || name.equals("x-gzip") || name.equals("*")) {
                for (int i = 1; i < parts.length; i++) {
                    String parameter = parts[i].strip().toLowerCase(Locale.ROOT).replace(" ", "");
                    if (parameter.matches("q=0(\\.0{0,3})?")) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    private static String hash(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
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
