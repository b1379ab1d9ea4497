package io.consolecms.webhooks.delivery;

import io.consolecms.webhooks.ObjectId;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.Objects;

/**
 * {@code GET /api/webhooks/{id}/stats?hours=24}: the webhook's health over the last 1 to 168 hours (24 by default), for
 * the admin UI's charts and for anyone's dashboard; see {@link WebhookHealth}.
 */
@Path("api/webhooks/{webhookId}/stats")
@Produces(MediaType.APPLICATION_JSON)
public final class WebhookStatsResource {

    static final int MAX_HOURS = 168;

    private final DeliveryLog log;
    private final HealthQuery health;

    WebhookStatsResource(DeliveryLog log, HealthQuery health) {
        this.log = Objects.requireNonNull(log, "log");
        this.health = Objects.requireNonNull(health, "health");
    }

    @GET
    public WebhookHealth stats(@PathParam("webhookId") String webhookId, @QueryParam("hours") String hours)
            throws SQLException {
        int window = ApiErrors.intParam("hours", hours, 24, 1, MAX_HOURS);
        if (!ObjectId.isValid(webhookId) || !log.webhookExists(webhookId)) {
            throw ApiErrors.notFound("_id", "no webhook has this id");
        }
        return health.of(webhookId, window);
    }
}
