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
 * log, never to the client.
 */
public final class UnexpectedErrorMapper implements ExceptionMapper<Throwable> {

    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedErrorMapper.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public Response toResponse(Throwable exception) {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        String errorId = HexFormat.of().formatHex(bytes);
        LOG.error("internal error {}", errorId, exception);
        ErrorBody body = new ErrorBody(List.of(new ErrorBody.Error(null, "internal error", errorId)));
        return Response.serverError().type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
