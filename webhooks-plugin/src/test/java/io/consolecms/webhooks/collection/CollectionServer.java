package io.consolecms.webhooks.collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.SecurityContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.Principal;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.test.JerseyTest;
import org.glassfish.jersey.test.TestProperties;

/**
 * The collection's resources served by Jersey on a loopback port, as the host serves them (the caller is
 * {@code admin}), and a plain HTTP client to talk to them.
 */
final class CollectionServer extends JerseyTest implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();

    private CollectionServer(ResourceConfig application) {
        super(application);
    }

    /** Starts a server with {@code resources}, called by {@code admin}. */
    static CollectionServer start(Object... resources) throws Exception {
        return start(true, resources);
    }

    /** Starts a server with {@code resources}, called by nobody in particular. */
    static CollectionServer startAnonymous(Object... resources) throws Exception {
        return start(false, resources);
    }

    private static CollectionServer start(boolean admin, Object... resources) throws Exception {
        ResourceConfig application = new ResourceConfig();
        for (Object resource : resources) {
            application.register(resource);
        }
        if (admin) {
            application.register(new AdminCaller());
        }
        application.property(TestProperties.CONTAINER_PORT, "0");
        CollectionServer server = new CollectionServer(application);
        server.forceSet(TestProperties.CONTAINER_PORT, "0");
        server.setUp();
        return server;
    }

    /** One answer. */
    record Reply(int status, String body, String contentType) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException notJson) {
                throw new UncheckedIOException("not JSON: " + body, notJson);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Reply get(String path) {
        return send("GET", path, null, null);
    }

    Reply post(String path, String json) {
        return send("POST", path, "application/json", json);
    }

    Reply patch(String path, String json) {
        return send("PATCH", path, "application/json", json);
    }

    Reply delete(String path) {
        return send("DELETE", path, null, null);
    }

    /** Sends a request to {@code path} (under the server's root, e.g. {@code /api/webhooks/}). */
    Reply send(String method, String path, String contentType, String body) {
        return exchange(method, path, contentType, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
    }

    /** Sends {@code body} as it is, byte for byte, as JSON. */
    Reply sendBytes(String method, String path, byte[] body) {
        return exchange(method, path, "application/json", HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private Reply exchange(String method, String path, String contentType, HttpRequest.BodyPublisher body) {
        URI base = getBaseUri();
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).method(method, body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(),
                    response.headers().firstValue("Content-Type").orElse(null));
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    @Override
    public void close() {
        try {
            tearDown();
        } catch (Exception failed) {
            throw new IllegalStateException("cannot stop the test server", failed);
        }
    }

    /** Names the caller {@code admin}, as the host does once it has checked the admin token. */
    @PreMatching
    static final class AdminCaller implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext request) {
            Principal admin = () -> "admin";
            request.setSecurityContext(new SecurityContext() {
                @Override
                public Principal getUserPrincipal() {
                    return admin;
                }

                @Override
                public boolean isUserInRole(String role) {
                    return true;
                }

                @Override
                public boolean isSecure() {
                    return false;
                }

                @Override
                public String getAuthenticationScheme() {
                    return "Bearer";
                }
            });
        }
    }
}
