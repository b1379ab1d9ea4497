package io.consolecms.webhooks.delivery;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** The delivery API's client errors, shaped {@code {"errors":[{"field","message"}]}}. */
final class ApiErrors {

    private ApiErrors() {
    }

    static WebApplicationException badRequest(String field, String message) {
        return error(Response.Status.BAD_REQUEST, field, message);
    }

    static WebApplicationException notFound(String field, String message) {
        return error(Response.Status.NOT_FOUND, field, message);
    }

    static WebApplicationException conflict(String field, String message) {
        return error(Response.Status.CONFLICT, field, message);
    }

    static WebApplicationException unsupportedMediaType(String field, String message) {
        return error(Response.Status.UNSUPPORTED_MEDIA_TYPE, field, message);
    }

    /** 429: the client asks for more than the host does at once; {@code Retry-After} says when to try again. */
    static WebApplicationException tooManyRequests(int retryAfterSeconds, String message) {
        return new WebApplicationException(Response.status(Response.Status.TOO_MANY_REQUESTS)
                .header("Retry-After", Integer.toString(retryAfterSeconds)).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("errors", List.of(Map.of("message", message)))).build());
    }

    /** 503: the host cannot answer this now; the message says what became of the request. */
    static WebApplicationException unavailable(String message) {
        return new WebApplicationException(Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("errors", List.of(Map.of("message", message))))
                .build());
    }

    private static WebApplicationException error(Response.Status status, String field, String message) {
        return new WebApplicationException(Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("errors", List.of(Map.of("field", field, "message", message)))).build());
    }

    /** A whole number query parameter within bounds, or {@code fallback} when absent. */
    static int intParam(String name, String raw, int fallback, int min, int max) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw badRequest(name, "must be a whole number from " + min + " to " + max);
    }
}
