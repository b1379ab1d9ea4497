package io.consolecms.host.auth;

import io.consolecms.host.http.ErrorBody;
import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.PathSegment;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.List;
import java.util.Optional;

/**
 * Checks the bearer token of every request under {@code /api/}, before routing, so that even unknown API paths
 * answer 401 to strangers. {@code POST /api/events} takes Console core's token; everything else there the
 * administrators'. The health check, the admin UI's files and plugins' UI files need none.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public final class BearerAuthFilter implements ContainerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final Tokens tokens;

    public BearerAuthFilter(Tokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        List<PathSegment> segments = request.getUriInfo().getPathSegments(true);
        if (segments.stream().anyMatch(s -> s.getPath().equals("..") || s.getPath().equals("."))) {
            request.abortWith(error(Response.Status.BAD_REQUEST, "the path must not contain '.' or '..' segments"));
            return;
        }
        Optional<Role> required = requiredRole(request.getMethod(), segments);
        if (required.isEmpty()) {
            return;
        }
        Optional<Role> caller = presentedToken(request).flatMap(tokens::roleOf);
        if (caller.isEmpty()) {
            request.abortWith(Response.fromResponse(error(Response.Status.UNAUTHORIZED,
                            "a valid bearer token is required"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
        } else if (caller.get() != required.get()) {
            request.abortWith(error(Response.Status.FORBIDDEN,
                    "this token may not " + (required.get() == Role.CORE ? "publish events" : "use this API")));
        } else {
            request.setSecurityContext(new TokenSecurityContext(caller.get(),
                    request.getSecurityContext().isSecure()));
        }
    }

    /** The role a request needs, or empty for a public one. */
    static Optional<Role> requiredRole(String method, List<PathSegment> segments) {
        List<String> names = segments.stream().map(PathSegment::getPath).filter(s -> !s.isEmpty()).toList();
        if (names.isEmpty() || !names.get(0).equalsIgnoreCase("api")) {
            return Optional.empty();
        }
        boolean publish = names.size() == 2 && names.get(1).equals("events") && HttpMethod.POST.equals(method);
        return Optional.of(publish ? Role.CORE : Role.ADMIN);
    }

    private static Optional<String> presentedToken(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return Optional.of(header.substring(BEARER.length()).trim());
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(ErrorBody.of(message)).build();
    }

    /** The caller as the request's security context: user principal {@code admin} or {@code core}. */
    private record TokenSecurityContext(Role role, boolean secure) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return role::principalName;
        }

        @Override
        public boolean isUserInRole(String name) {
            return role.principalName().equals(name);
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }
}
