package io.consolecms.webhooks.collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.consolecms.webhooks.ObjectId;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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
import java.security.Principal;
import java.sql.SQLException;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Webhooks collection's API, with Mia-Platform CRUD Service conventions: {@code POST /}, {@code GET /},
 * {@code GET /count}, {@code GET|PATCH|DELETE /{_id}} and {@code POST /{_id}/state}. A singleton, thread-safe.
 *
 * <p>Bodies are read here, not by the host, so that every problem of a request, down to malformed JSON, is a 4xx
 * whose {@code {"errors":[…]}} names it. Storage failures are left to the host (a 500 with an error id).
 */
@Path("api/webhooks")
public final class WebhooksResource {

    /** Who changed a document when the request names nobody, as CRUD Service says. */
    static final String ANONYMOUS = "public";

    private static final int MAX_USER_LENGTH = 128;
    private static final int MAX_STATE_ATTEMPTS = 3;

    private final WebhookStore store;
    private final WebhookValidator validator;
    private final Clock clock;
    private final JsonMessages messages = new JsonMessages();
    private final WebhookRepresentation representation;

    /**
     * The collection on {@code store}, validating with {@code validator}; documents show their target's health as
     * {@code health} says.
     */
    public WebhooksResource(WebhookStore store, WebhookValidator validator, TargetHealth health) {
        this(store, validator, health, Clock.systemUTC());
    }

    WebhooksResource(WebhookStore store, WebhookValidator validator, TargetHealth health, Clock clock) {
        this.store = store;
        this.validator = validator;
        this.clock = clock;
        this.representation = new WebhookRepresentation(messages.mapper(), health);
    }

    /** Creates a webhook: {@code 200 {"_id"}}. */
    @POST
    public Response create(@Context HttpHeaders headers, @Context SecurityContext security, @Context UriInfo uri,
                           InputStream stream) throws IOException, SQLException {
        if (!uri.getQueryParameters().isEmpty()) {
            return messages.badRequest(unsupported(uri.getQueryParameters()));
        }
        JsonMessages.Body body = messages.read(headers.getMediaType(), stream);
        if (body.rejection() != null) {
            return body.rejection();
        }
        NewWebhook created = NewWebhook.read(body.json(), validator);
        if (!created.errors().isEmpty()) {
            return messages.badRequest(created.errors());
        }
        long now = clock.millis();
        String user = user(security);
        Webhook webhook = new Webhook(ObjectId.next(), null, null, null, null, null, null, null, created.state(), now,
                now, user, user, null, null, null).withInput(created.input());
        store.insert(webhook);
        return messages.json(Response.Status.OK, Map.of("_id", webhook.id()));
    }

    /** Lists webhooks: {@code ?_l=&_sk=&_s=&_st=&<field>=<value>}. */
    @GET
    public Response list(@Context UriInfo uri) throws SQLException {
        Checked<WebhookQuery> query = WebhookQuery.read(uri.getQueryParameters());
        if (!query.ok()) {
            return messages.badRequest(query.errors());
        }
        ArrayNode documents = messages.mapper().createArrayNode();
        store.list(query.value()).forEach(webhook -> documents.add(representation.toJson(webhook)));
        return messages.json(Response.Status.OK, documents);
    }

    /** Counts webhooks with the filters and states of a listing: a bare number. */
    @GET
    @Path("count")
    public Response count(@Context UriInfo uri) throws SQLException {
        Checked<WebhookQuery> query = WebhookQuery.read(uri.getQueryParameters());
        if (!query.ok()) {
            return messages.badRequest(query.errors());
        }
        return messages.json(Response.Status.OK, store.count(query.value()));
    }

    /**
     * Counts webhooks in each state of {@code _st} (PUBLIC, DRAFT and TRASH when absent) with a listing's field
     * filters, in one request: {@code {"PUBLIC":n,"DRAFT":n,"TRASH":n}}. The admin UI's tabs and the total of the tab
     * shown all come from it.
     */
    @GET
    @Path("count-by-state")
    public Response countByState(@Context UriInfo uri) throws SQLException {
        Checked<WebhookQuery> query = WebhookQuery.readCounting(uri.getQueryParameters());
        if (!query.ok()) {
            return messages.badRequest(query.errors());
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        store.countByState(query.value()).forEach((state, count) -> counts.put(state.name(), count));
        return messages.json(Response.Status.OK, counts);
    }

    /** One webhook, in any state but DELETED unless {@code _st} names the states. */
    @GET
    @Path("{id}")
    public Response get(@PathParam("id") String id, @Context UriInfo uri) throws SQLException {
        Checked<Set<WebhookState>> states = statesById(uri);
        if (!states.ok()) {
            return messages.badRequest(states.errors());
        }
        return find(id, states.value())
                .map(webhook -> messages.json(Response.Status.OK, representation.toJson(webhook)))
                .orElseGet(() -> notFound(id));
    }

    /** Changes a webhook with {@code {"$set":{…},"$unset":{…}}}; answers the updated document. */
    @PATCH
    @Path("{id}")
    public Response patch(@PathParam("id") String id, @Context HttpHeaders headers,
                          @Context SecurityContext security, @Context UriInfo uri, InputStream stream)
            throws IOException, SQLException {
        Checked<Set<WebhookState>> states = statesById(uri);
        if (!states.ok()) {
            return messages.badRequest(states.errors());
        }
        Optional<Webhook> stored = find(id, states.value());
        if (stored.isEmpty()) {
            return notFound(id);
        }
        JsonMessages.Body body = messages.read(headers.getMediaType(), stream);
        if (body.rejection() != null) {
            return body.rejection();
        }
        WebhookPatch patch = WebhookPatch.read(body.json());
        WebhookInput input = patch.applyTo(stored.get());
        List<FieldError> errors = WebhookFieldsReader.merge(patch.errors(),
                validator.validate(input.withoutUndecryptable(stored.get())));
        if (!errors.isEmpty()) {
            return messages.badRequest(errors);
        }
        Webhook updated = stored.get().withInput(input).touched(clock.millis(), user(security));
        if (!store.update(updated, !Objects.equals(stored.get().secret(), updated.secret()))) {
            return notFound(id);
        }
        return messages.json(Response.Status.OK, representation.toJson(updated));
    }

    /** Deletes a webhook for good: 204. */
    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id, @Context UriInfo uri) throws SQLException {
        Checked<Set<WebhookState>> states = statesById(uri);
        if (!states.ok()) {
            return messages.badRequest(states.errors());
        }
        if (!ObjectId.isValid(id) || !store.delete(id, states.value())) {
            return notFound(id);
        }
        return Response.noContent().build();
    }

    /** Moves a webhook to another state, {@code {"stateTo":…}}, as CRUD Service allows: 204. */
    @POST
    @Path("{id}/state")
    public Response changeState(@PathParam("id") String id, @Context HttpHeaders headers,
                                @Context SecurityContext security, @Context UriInfo uri, InputStream stream)
            throws IOException, SQLException {
        Checked<Set<WebhookState>> states = WebhookQuery.readStates(uri.getQueryParameters(),
                EnumSet.allOf(WebhookState.class));
        if (!states.ok()) {
            return messages.badRequest(states.errors());
        }
        JsonMessages.Body body = messages.read(headers.getMediaType(), stream);
        if (body.rejection() != null) {
            return body.rejection();
        }
        Checked<WebhookState> target = stateTo(body.json());
        if (!target.ok()) {
            return messages.badRequest(target.errors());
        }
        for (int attempt = 0; attempt < MAX_STATE_ATTEMPTS; attempt++) {
            Optional<Webhook> stored = find(id, states.value());
            if (stored.isEmpty()) {
                return notFound(id);
            }
            WebhookState from = stored.get().state();
            if (!from.canMoveTo(target.value())) {
                return messages.badRequest(List.of(new FieldError("stateTo", "a webhook cannot move from " + from
                        + " to " + target.value() + "; from " + from + " it can move to " + allowedFrom(from))));
            }
            if (store.moveState(id, from, target.value(), clock.millis(), user(security))) {
                return Response.noContent().build();
            }
            // another request moved it meanwhile: judge the transition again from its new state
        }
        return messages.errors(Response.Status.CONFLICT,
                List.of(FieldError.ofRequest("webhook " + id + " keeps changing state; try again")));
    }

    private Optional<Webhook> find(String id, Set<WebhookState> states) throws SQLException {
        return ObjectId.isValid(id) ? store.find(id, states) : Optional.empty();
    }

    /** The states a request by id looks in: any but DELETED, unless {@code _st} names them. */
    private static Checked<Set<WebhookState>> statesById(UriInfo uri) {
        return WebhookQuery.readStates(uri.getQueryParameters(), WebhookState.FOUND_BY_DEFAULT);
    }

    private Response notFound(String id) {
        return notFound(messages, id);
    }

    /** 404 naming the webhook (cut, since the id comes from the request). */
    static Response notFound(JsonMessages messages, String id) {
        String shown = id.length() > 64 ? id.substring(0, 64) + "…" : id;
        return messages.errors(Response.Status.NOT_FOUND,
                List.of(FieldError.ofRequest("webhook " + shown + " not found")));
    }

    private static Checked<WebhookState> stateTo(JsonNode body) {
        if (!body.isObject()) {
            return Checked.failed(List.of(FieldError.ofRequest("the body must be a JSON object such as "
                    + "{\"stateTo\":\"DRAFT\"}")));
        }
        List<FieldError> errors = new java.util.ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!name.equals("stateTo")) {
                WebhookFieldsReader.add(errors, name, "is not a member of a state change: send {\"stateTo\":…}");
            }
        });
        JsonNode value = body.path("stateTo");
        Optional<WebhookState> state = value.isTextual() ? WebhookState.named(value.textValue()) : Optional.empty();
        if (value.isMissingNode() || value.isNull()) {
            errors.add(0, new FieldError("stateTo", "is required"));
        } else if (state.isEmpty()) {
            errors.add(0, new FieldError("stateTo", "must be one of PUBLIC, DRAFT, TRASH, DELETED"));
        }
        return errors.isEmpty() ? Checked.of(state.get()) : Checked.failed(errors);
    }

    private static String allowedFrom(WebhookState from) {
        return String.join(" or ", EnumSet.allOf(WebhookState.class).stream()
                .filter(from::canMoveTo).map(Enum::name).toList());
    }

    private static List<FieldError> unsupported(Map<String, List<String>> parameters) {
        return parameters.keySet().stream()
                .map(name -> new FieldError(name, "is not a supported query parameter here"))
                .limit(WebhookFieldsReader.MAX_ERRORS)
                .toList();
    }

    /** Who makes the request, for {@code updaterId}. */
    static String user(SecurityContext security) {
        Principal principal = security == null ? null : security.getUserPrincipal();
        String name = principal == null ? null : principal.getName();
        if (name == null || name.isBlank()) {
            return ANONYMOUS;
        }
        return name.length() > MAX_USER_LENGTH ? name.substring(0, MAX_USER_LENGTH) : name;
    }
}
