package io.consolecms.host.http;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** {@code GET /health}: UP once the plugins are started and the database answers; no authentication. */
@Path("health")
public final class HealthResource {

    private final BooleanSupplier pluginsStarted;
    private final BooleanSupplier databaseAnswers;

    public HealthResource(BooleanSupplier pluginsStarted, BooleanSupplier databaseAnswers) {
        this.pluginsStarted = pluginsStarted;
        this.databaseAnswers = databaseAnswers;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response health() {
        boolean plugins = pluginsStarted.getAsBoolean();
        boolean database = databaseAnswers.getAsBoolean();
        Map<String, String> body = new LinkedHashMap<>();
        body.put("status", plugins && database ? "UP" : "DOWN");
        if (!plugins) {
            body.put("plugins", "not started");
        }
        if (!database) {
            body.put("database", "not answering");
        }
        return Response.status(plugins && database ? 200 : 503).entity(body).build();
    }
}
