package io.consolecms.host.metrics;

import io.consolecms.host.auth.Role;
import io.consolecms.host.auth.Tokens;
import io.consolecms.host.http.ErrorBody;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * {@code GET /metrics}: every meter of the host's registry in the Prometheus text format, for the administrators'
 * token or, when set, {@code CMS_METRICS_TOKEN}; any other caller gets a 401. Outside {@code /api/}, where the
 * bearer filter does not look, so it checks the token itself.
 */
@Path("metrics")
public final class MetricsResource {

    /** The Prometheus text exposition format, version 0.0.4. */
    static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String BEARER = "Bearer ";

    private final HostMetrics metrics;
    private final Tokens tokens;

    public MetricsResource(HostMetrics metrics, Tokens tokens) {
        this.metrics = metrics;
        this.tokens = tokens;
    }

    @GET
    public Response scrape(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        if (presentedToken(authorization).flatMap(tokens::roleOf).filter(Role::maySeeMetrics).isEmpty()) {
            return Response.status(Response.Status.UNAUTHORIZED).type(MediaType.APPLICATION_JSON_TYPE)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .entity(ErrorBody.of("the administrators' token or CMS_METRICS_TOKEN is required")).build();
        }
        return Response.ok(metrics.scrape(), TEXT_FORMAT).build();
    }

    private static Optional<String> presentedToken(String header) {
        if (header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return Optional.of(header.substring(BEARER.length()).trim());
    }
}
