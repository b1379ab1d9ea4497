package io.consolecms.host.http;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.io.CharConversionException;

/**
 * A request body whose bytes are no text in the encoding they claim or that the JSON reader detected (e.g. UTF-32 cut
 * short, or a code point past U+10FFFF): 400 naming {@code body}. Jackson's decoders throw this plain
 * {@link java.io.IOException} rather than a {@code JsonProcessingException}, so without this mapper it would be a 500.
 */
public final class UndecodableBodyMapper implements ExceptionMapper<CharConversionException> {

    private static final int MAX_MESSAGE = 300;

    @Override
    public Response toResponse(CharConversionException exception) {
        String problem = exception.getMessage() == null ? "undecodable characters" : exception.getMessage();
        if (problem.length() > MAX_MESSAGE) {
            problem = problem.substring(0, MAX_MESSAGE) + "…";
        }
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorBody.ofField("body", "the body is not valid JSON text: " + problem)).build();
    }
}
