package io.consolecms.webhooks.delivery;

import io.consolecms.webhooks.ObjectId;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;

/** {@code GET /api/webhooks/{id}/deliveries?_l=&_sk=&status=}: a webhook's deliveries, newest first. */
@Path("api/webhooks/{webhookId}/deliveries")
@Produces(MediaType.APPLICATION_JSON)
public final class WebhookDeliveriesResource {

    static final int DEFAULT_LIMIT = 25;
    static final int MAX_LIMIT = 200;

    private final DeliveryLog log;

    WebhookDeliveriesResource(DeliveryLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    @GET
    public List<DeliveryView> list(@PathParam("webhookId") String webhookId, @QueryParam("_l") String limit,
                                   @QueryParam("_sk") String skip, @QueryParam("status") String status)
            throws SQLException {
        int l = ApiErrors.intParam("_l", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
        int sk = ApiErrors.intParam("_sk", skip, 0, 0, Integer.MAX_VALUE);
        DeliveryStatus wanted = null;
        if (status != null && !status.isBlank()) {
            wanted = DeliveryStatus.parse(status.trim()).orElseThrow(
                    () -> ApiErrors.badRequest("status", "must be pending, succeeded or failed"));
        }
        if (!ObjectId.isValid(webhookId) || !log.webhookExists(webhookId)) {
            throw ApiErrors.notFound("_id", "no webhook has this id");
        }
        return log.list(webhookId, wanted, l, sk);
    }
}
