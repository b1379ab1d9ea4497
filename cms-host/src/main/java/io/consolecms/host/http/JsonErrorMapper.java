package io.consolecms.host.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.stream.Collectors;

/** A request body that is not the JSON a resource expects: 400 naming the member, or {@code body}. */
public final class JsonErrorMapper implements ExceptionMapper<JsonProcessingException> {

    private static final int MAX_MESSAGE = 300;

    @Override
    public Response toResponse(JsonProcessingException exception) {
        String field = "body";
        if (exception instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : Integer.toString(ref.getIndex()))
                    .collect(Collectors.joining("."));
        }
        String message = exception.getOriginalMessage();
        if (message == null || message.isBlank()) {
            message = "malformed JSON";
        }
        if (message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "…";
        }
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorBody.ofField(field, message)).build();
    }
}
