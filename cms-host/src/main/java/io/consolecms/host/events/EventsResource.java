package io.consolecms.host.events;

import io.consolecms.host.http.ErrorBody;
import io.consolecms.plugin.EventPublisher;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * {@code POST /api/events}: Console core publishes an event (core token). 202 once every listener stored it; 400,
 * 413, 415 for a bad request; 503 when storage is unavailable.
 */
@Path("api/events")
public final class EventsResource {

    private static final int MAX = EventPublisher.MAX_EVENT_BYTES;
    private static final long MAX_DISCARDED = 8L * MAX;

    private final HostEventPublisher publisher;

    public EventsResource(HostEventPublisher publisher) {
        this.publisher = publisher;
    }

    @POST
    public Response publish(@Context HttpHeaders headers, InputStream body) throws IOException {
        if (!isJson(headers.getMediaType())) {
            return error(Response.Status.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
        }
        long declared = declaredLength(headers);
        if (declared > MAX) {
            // Discarded, not kept, so that the client (which sends the whole body before it reads) sees the 413
            // instead of a reset connection; a body past the bound is cut off.
            if (declared <= MAX_DISCARDED) {
                body.transferTo(OutputStream.nullOutputStream());
            }
            return tooLarge();
        }
        // Reads at most one byte more than allowed, so that a chunked body cannot grow past the limit.
        byte[] json = body.readNBytes(MAX + 1);
        if (json.length > MAX) {
            return tooLarge();
        }
        HostEventPublisher.Outcome outcome = publisher.accept(json);
        if (outcome instanceof HostEventPublisher.Accepted accepted) {
            return Response.accepted(accepted.result()).type(MediaType.APPLICATION_JSON_TYPE).build();
        }
        if (outcome instanceof HostEventPublisher.Rejected rejected) {
            return rejected.tooLarge() ? tooLarge() : Response.status(Response.Status.BAD_REQUEST)
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(ErrorBody.ofField(rejected.field(), rejected.message())).build();
        }
        return Response.fromResponse(error(Response.Status.SERVICE_UNAVAILABLE, "storage unavailable, publish again"))
                .header("Retry-After", "5").build();
    }

    private static boolean isJson(MediaType type) {
        return type != null && type.getType().equalsIgnoreCase("application")
                && (type.getSubtype().equalsIgnoreCase("json") || type.getSubtype().toLowerCase(java.util.Locale.ROOT).endsWith("+json"));
    }

    private static long declaredLength(HttpHeaders headers) {
        String value = headers.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Response tooLarge() {
        return error(Response.Status.REQUEST_ENTITY_TOO_LARGE, "the event is larger than " + MAX + " bytes");
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(ErrorBody.of(message)).build();
    }
}
