package io.consolecms.webhooks.delivery;

import io.consolecms.webhooks.ObjectId;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.Objects;

/**
 * {@code POST /api/webhooks/{id}/test}: sends a {@code webhook_ping} event to the webhook now, whatever its state, and
 * answers 200 with that attempt's outcome; the attempt is recorded as a delivery.
 */
@Path("api/webhooks/{webhookId}/test")
@Produces(MediaType.APPLICATION_JSON)
public final class WebhookTestResource {

    private final WebhookPing ping;

    WebhookTestResource(WebhookPing ping) {
        this.ping = Objects.requireNonNull(ping, "ping");
    }

    @POST
    public PingResult test(@PathParam("webhookId") String webhookId) throws SQLException {
        if (!ObjectId.isValid(webhookId)) {
            throw ApiErrors.notFound("_id", "no webhook has this id");
        }
        return ping.ping(webhookId).orElseThrow(() -> ApiErrors.notFound("_id", "no webhook has this id"));
    }
}
