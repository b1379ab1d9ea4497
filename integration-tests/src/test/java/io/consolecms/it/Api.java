package io.consolecms.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small client for the host's HTTP API, as administrators and Console core use it. */
public final class Api {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String adminToken;
    private final String coreToken;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Api(URI base, String adminToken, String coreToken) {
        this.base = base;
        this.adminToken = adminToken;
        this.coreToken = coreToken;
    }

    /** An answer: status and body (parsed as JSON when it is JSON, else {@code null}). */
    public record Reply(int status, String text, JsonNode json) {
        @Override
        public String toString() {
            return status + " " + text;
        }
    }

    public Reply get(String path) {
        return send("GET", path, null, adminToken);
    }

    public Reply post(String path, String json) {
        return send("POST", path, json, adminToken);
    }

    public Reply patch(String path, String json) {
        return send("PATCH", path, json, adminToken);
    }

    public Reply delete(String path) {
        return send("DELETE", path, null, adminToken);
    }

    /** Publishes an event with Console core's token. */
    public Reply publish(String eventJson) {
        return send("POST", "/api/events", eventJson, coreToken);
    }

    /** Any request; {@code token} may be {@code null} to send none. */
    public Reply send(String method, String path, String json, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (json != null) {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            if (contentType.contains("json") && !response.body().isEmpty()) {
                body = JSON.readTree(response.body());
            }
            return new Reply(response.statusCode(), response.body(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
