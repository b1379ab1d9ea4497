package io.consolecms.webhooks.delivery;

import io.consolecms.webhooks.ObjectId;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;

/**
 * {@code /api/deliveries}: one delivery with its attempts, and delivering it again. An id that is not one (24
 * lowercase hex digits) is simply not found: it never reaches SQL, where e.g. a NUL character breaks PostgreSQL's.
 */
@Path("api/deliveries")
@Produces(MediaType.APPLICATION_JSON)
public final class DeliveriesResource {

    private final DeliveryLog log;
    private final Runnable wake;

    DeliveriesResource(DeliveryLog log, Runnable wake) {
        this.log = Objects.requireNonNull(log, "log");
        this.wake = Objects.requireNonNull(wake, "wake");
    }

    /** {@code GET /api/deliveries/{id}}: the delivery and its attempts, oldest first; 404 when unknown. */
    @GET
    @Path("{deliveryId}")
    public DeliveryDetail get(@PathParam("deliveryId") String deliveryId) throws SQLException {
        if (!ObjectId.isValid(deliveryId)) {
            throw ApiErrors.notFound("_id", "no delivery has this id");
        }
        return log.find(deliveryId).orElseThrow(() -> ApiErrors.notFound("_id", "no delivery has this id"));
    }

    /**
     * {@code POST /api/deliveries/{id}/redeliver}: 202; the delivery is pending again, due now, with a fresh attempt
     * budget, and keeps its {@code webhook-id}.
     */
    @POST
    @Path("{deliveryId}/redeliver")
    public Response redeliver(@PathParam("deliveryId") String deliveryId) throws SQLException {
        if (!ObjectId.isValid(deliveryId) || !log.redeliver(deliveryId)) {
            throw ApiErrors.notFound("_id", "no delivery has this id");
        }
        wake.run();
        return Response.accepted(Map.of("_id", deliveryId)).type(MediaType.APPLICATION_JSON_TYPE).build();
    }
}
