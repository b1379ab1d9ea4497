package io.consolecms.webhooks.delivery;

import io.consolecms.webhooks.catalog.EventCatalog;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST /api/deliveries/redeliver}: delivers again, across the instance, the settled deliveries a filter selects
 * ({@link RedeliveryRequest}): 202 {@code {"queued":N}} once all of them are pending again. Only deliveries of
 * published webhooks are selected (the others could only fail again at once); naming a webhook that is not published
 * is a 409.
 */
@Path("api/deliveries/redeliver")
@Produces(MediaType.APPLICATION_JSON)
public final class DeliveriesRedeliverResource {

    private final DeliveryLog log;
    private final BulkRedelivery bulk;
    private final EventCatalog catalog;
    private final Clock clock;

    DeliveriesRedeliverResource(DeliveryLog log, BulkRedelivery bulk, EventCatalog catalog, Clock clock) {
        this.log = Objects.requireNonNull(log, "log");
        this.bulk = Objects.requireNonNull(bulk, "bulk");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response redeliver(byte[] body, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                              @Context UriInfo uri) throws SQLException {
        RedeliveryFilter filter = RedeliveryRequest.parse(body == null ? new byte[0] : body, contentType,
                uri.getQueryParameters(), catalog, clock.instant());
        if (filter.webhookId() != null) {
            String state = log.webhookState(filter.webhookId())
                    .orElseThrow(() -> ApiErrors.notFound("webhookId", "no webhook has this id"));
            if (!"PUBLIC".equals(state)) {
                throw ApiErrors.conflict("webhookId", "the webhook is not published (" + state
                        + "): publish it first, or its deliveries would fail again at once");
            }
        }
        int queued = bulk.redeliver(filter, true);
        return Response.accepted(Map.of("queued", queued)).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
