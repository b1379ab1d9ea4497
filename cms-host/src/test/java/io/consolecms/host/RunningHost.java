package io.consolecms.host;

import io.consolecms.plugin.Plugin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real {@link CmsHost} on a free loopback port with a fresh in-memory H2 database, and a java.net.http client for
 * it. Tokens are fixed so that tests can present them.
 */
public final class RunningHost implements AutoCloseable {

    public static final String ADMIN = "admin-token-for-tests-0123456789";
    public static final String CORE = "core-token-for-tests-0123456789ab";

    private final CmsHost host;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private RunningHost(CmsHost host) {
        this.host = host;
    }

    /** The environment of a test host living in {@code home}: port 0, H2 in memory, fixed tokens. */
    public static Map<String, String> environment(Path home) {
        Map<String, String> env = new HashMap<>();
        env.put("CMS_PORT", "0");
        env.put("CMS_BIND", "127.0.0.1");
        env.put("CMS_DATA_DIR", home.resolve("data").toString());
        env.put("CMS_PLUGINS_DIR", home.resolve("plugins").toString());
        env.put("CMS_DB_URL", "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        env.put("CMS_ADMIN_TOKEN", ADMIN);
        env.put("CMS_CORE_TOKEN", CORE);
        return env;
    }

    /** Starts a host in {@code home} with these built-in plugins and no plugin jars. */
    public static RunningHost start(Path home, Plugin... builtIn) {
        return start(environment(home), builtIn);
    }

    /** Starts a host with this environment and these built-in plugins. */
    public static RunningHost start(Map<String, String> environment, Plugin... builtIn) {
        try {
            Files.createDirectories(Path.of(environment.get("CMS_PLUGINS_DIR")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RunningHost(CmsHost.start(environment, List.of(builtIn)));
    }

    public CmsHost host() {
        return host;
    }

    /** The URL of a path, as given: dot segments are sent as they are. */
    public URI uri(String path) {
        String base = host.baseUri().toString();
        return URI.create(base.substring(0, base.length() - 1) + path);
    }

    /** A GET with this bearer token ({@code null} for none). */
    public HttpResponse<String> get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    /** A POST of a JSON body with this bearer token ({@code null} for none). */
    public HttpResponse<String> postJson(String path, String json, String token) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** A request builder for a path, with this bearer token ({@code null} for none). */
    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        host.close();
    }
}
