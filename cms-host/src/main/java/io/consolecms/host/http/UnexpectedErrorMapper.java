package io.consolecms.host.http;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anything no other mapper handles: a 500 whose body carries only an error id; the id and the stack trace go to the
 * log, never to the client. A client that went away mid-request is no host error: one line at DEBUG, and an empty 400
 * that nobody reads (an entity would only fail to be written once more).
 */
public final class UnexpectedErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedErrorMapper.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public Response toResponse(Throwable exception) {
        if (ClientDisconnect.isCause(exception)) {
            LOG.debug("client went away: {}", exception.toString());
            return Response.status(Response.Status.BAD_REQUEST).build();
        }
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        String errorId = HexFormat.of().formatHex(bytes);
        LOG.error("internal error {}", errorId, exception);
        ErrorBody body = new ErrorBody(List.of(new ErrorBody.Error(null, "internal error", errorId)));
        return Response.serverError().type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
