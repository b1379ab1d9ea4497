package io.consolecms.host.http;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keeps a {@link WebApplicationException}'s status and headers; gives it a JSON errors body when it has none. */
public final class WebApplicationErrorMapper implements ExceptionMapper<WebApplicationException> {

    private static final Logger LOG = LoggerFactory.getLogger(WebApplicationErrorMapper.class);

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response response = exception.getResponse();
        if (response.getStatus() >= 500) {
            LOG.warn("request failed with {}: {}", response.getStatus(), exception.toString());
        }
        if (response.hasEntity()) {
            return response;
        }
        String message = exception.getMessage() != null ? exception.getMessage()
                : response.getStatusInfo().getReasonPhrase();
        return Response.fromResponse(response).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorBody.of(message)).build();
    }
}
