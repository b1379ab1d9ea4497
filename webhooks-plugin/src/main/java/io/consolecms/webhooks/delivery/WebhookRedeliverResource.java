package io.consolecms.webhooks.delivery;

import io.consolecms.webhooks.ObjectId;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST /api/webhooks/{id}/redeliver?since=}: delivers again every failed delivery of a webhook created since
 * then (ISO-8601, or epoch milliseconds), e.g. after the receiver was down; 202 {@code {"redelivered":N}}.
 */
@Path("api/webhooks/{webhookId}/redeliver")
@Produces(MediaType.APPLICATION_JSON)
public final class WebhookRedeliverResource {

    private final DeliveryLog log;
    private final BulkRedelivery bulk;

    WebhookRedeliverResource(DeliveryLog log, BulkRedelivery bulk) {
        this.log = Objects.requireNonNull(log, "log");
        this.bulk = Objects.requireNonNull(bulk, "bulk");
    }

    @POST
    public Response redeliver(@PathParam("webhookId") String webhookId, @QueryParam("since") String since)
            throws SQLException {
        Instant from = parseSince(since);
        if (!ObjectId.isValid(webhookId) || !log.webhookExists(webhookId)) {
            throw ApiErrors.notFound("_id", "no webhook has this id");
        }
        // in bounded pages through the writer, as POST /api/deliveries/redeliver does; whatever the webhook's state
        int count = bulk.redeliver(new RedeliveryFilter(from, Instant.ofEpochMilli(Long.MAX_VALUE),
                DeliveryStatus.FAILED, null, webhookId), false);
        return Response.accepted(Map.of("redelivered", count)).type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    /**
     * The instant {@code since} names, if the delivery log can store it: it keeps epoch milliseconds, so an instant
     * {@link Instant#toEpochMilli()} cannot represent (beyond about 292 million years from 1970) is refused too.
     */
    static Instant parseSince(String since) {
        if (since == null || since.isBlank()) {
            throw ApiErrors.badRequest("since", "is required: an ISO-8601 time or epoch milliseconds");
        }
        return parseTime("since", since);
    }

    /** As {@link #parseSince}, for a time given in the query or body member {@code field}. */
    static Instant parseTime(String field, String value) {
        String text = value.trim();
        Instant instant;
        try {
            if (text.matches("\\d{1,15}")) {
                return Instant.ofEpochMilli(Long.parseLong(text));
            }
            try {
                instant = Instant.parse(text);
            } catch (DateTimeParseException notAnInstant) {
                instant = OffsetDateTime.parse(text).toInstant();
            }
        } catch (DateTimeException | NumberFormatException invalid) {
            // DateTimeException too: an offset time past Instant.MAX parses but has no instant
            throw ApiErrors.badRequest(field,
                    "must be an ISO-8601 time (e.g. 2026-11-28T10:00:00Z) or epoch milliseconds");
        }
        try {
            instant.toEpochMilli();
        } catch (ArithmeticException outOfRange) {
            throw ApiErrors.badRequest(field, "is out of range: must be within 292 million years of 1970");
        }
        return instant;
    }
}
