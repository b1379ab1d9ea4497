package io.consolecms.webhooks.collection;

import io.consolecms.webhooks.ObjectId;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/webhooks/{id}/secret} {@code {"secret":"…","keepPreviousFor":"24h"}}: rotates a webhook's secret
 * without downtime. Deliveries are signed with the new secret from then on (those already queued within a second);
 * during the overlap {@code webhook-signature} carries the replaced secret's signature too, after the new one's, so
 * receivers can switch to the new secret whenever they are ready. Answers 200 {@code {"_id","hasSecret":true,
 * "previousSecretUntil"?}}; never either secret. A singleton, thread-safe.
 */
@Path("api/webhooks/{id}/secret")
public final class WebhookSecretResource {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSecretResource.class);

    private final WebhookStore store;
    private final WebhookValidator validator;
    private final Clock clock;
    private final JsonMessages messages = new JsonMessages();

    /** Rotations of the secrets in {@code store}, checked with {@code validator}'s rules for {@code secret}. */
    public WebhookSecretResource(WebhookStore store, WebhookValidator validator) {
        this(store, validator, Clock.systemUTC());
    }

    WebhookSecretResource(WebhookStore store, WebhookValidator validator, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.validator = Objects.requireNonNull(validator, "validator");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @POST
    public Response rotate(@PathParam("id") String id, @Context HttpHeaders headers, @Context SecurityContext security,
                           @Context UriInfo uri, InputStream stream) throws IOException, SQLException {
        if (!uri.getQueryParameters().isEmpty()) {
            return messages.badRequest(uri.getQueryParameters().keySet().stream()
                    .map(name -> new FieldError(name, "is not a supported query parameter here"))
                    .limit(WebhookFieldsReader.MAX_ERRORS).toList());
        }
        if (!ObjectId.isValid(id)) {
            return WebhooksResource.notFound(messages, id);
        }
        JsonMessages.Body body = messages.read(headers.getMediaType(), stream);
        if (body.rejection() != null) {
            return body.rejection();
        }
        Checked<SecretRotation> rotation = SecretRotation.read(body.json(), validator);
        if (!rotation.ok()) {
            return messages.badRequest(rotation.errors());
        }
        long now = clock.millis();
        boolean overlap = !rotation.value().keepPreviousFor().isZero();
        Long previousUntil = overlap ? now + rotation.value().keepPreviousFor().toMillis() : null;
        boolean hadSecret = store.find(id, WebhookState.FOUND_BY_DEFAULT).map(webhook -> webhook.secret() != null)
                .orElse(false);
        if (!store.rotateSecret(id, rotation.value().secret(), previousUntil, now, WebhooksResource.user(security))) {
            return WebhooksResource.notFound(messages, id);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("_id", id);
        answer.put("hasSecret", true);
        if (overlap && hadSecret) {
            answer.put("previousSecretUntil", WebhookRepresentation.iso(previousUntil));
        }
        LOG.info("rotated the secret of webhook {}; {}", id, overlap && hadSecret
                ? "the previous one also signs until " + answer.get("previousSecretUntil") : "no overlap");
        return messages.json(Response.Status.OK, answer);
    }
}
