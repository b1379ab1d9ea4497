package io.consolecms.webhooks.collection;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Reads JSON request bodies and writes JSON answers for the collection's resources, so that every problem of a body,
 * down to its bytes, is answered here with {@code {"errors":[…]}} rather than by the host.
 */
final class JsonMessages {

    /** The largest body read; a webhook document is a few kilobytes, certificates included. */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final int MAX_MESSAGE_LENGTH = 200;
    private static final long DRAIN_BYTES = 16L * 1024 * 1024;

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * A request body read as JSON.
     *
     * @param json the body; {@code null} when rejected
     * @param rejection the answer to give instead; {@code null} when the body is JSON
     */
    record Body(JsonNode json, Response rejection) {
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /** Reads a body that must be JSON of at most {@link #MAX_BODY_BYTES}: 415, 413 or 400 otherwise. */
    Body read(MediaType type, InputStream stream) throws IOException {
        if (type == null || !isJson(type)) {
            return new Body(null, errors(Response.Status.UNSUPPORTED_MEDIA_TYPE,
                    List.of(FieldError.ofRequest("the body must be JSON, sent with Content-Type: application/json"))));
        }
        byte[] bytes = stream == null ? new byte[0] : stream.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            // read on a little, so that a client still sending its body reads the answer instead of a reset
            drain(stream);
            return new Body(null, errors(Response.Status.REQUEST_ENTITY_TOO_LARGE,
                    List.of(FieldError.ofRequest("the body must be at most " + MAX_BODY_BYTES + " bytes"))));
        }
        try {
            JsonNode json = mapper.readTree(bytes);
            if (json == null || json.isMissingNode()) {
                return new Body(null, badRequest(List.of(FieldError.ofRequest("the body is empty: send a JSON object"))));
            }
            return new Body(json, null);
        } catch (JsonProcessingException malformed) {
            return new Body(null, badRequest(List.of(FieldError.ofRequest(describe(malformed)))));
        } catch (CharConversionException undecodable) {
            // Jackson's own decoders (UTF-32 cut short, a code point past U+10FFFF) throw this IOException, which is
            // not a JsonProcessingException; the bytes are already in memory, so it can only be the body's fault.
            String problem = undecodable.getMessage() == null ? "undecodable characters" : undecodable.getMessage();
            return new Body(null, badRequest(List.of(FieldError.ofRequest("the body is not valid JSON: "
                    + bounded(problem)))));
        }
    }

    /** An answer with a JSON body. */
    Response json(Response.Status status, Object body) {
        try {
            return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(mapper.writeValueAsString(body)).build();
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("cannot write an answer", impossible);
        }
    }

    /** {@code 400 {"errors":[…]}}. */
    Response badRequest(List<FieldError> errors) {
        return errors(Response.Status.BAD_REQUEST, errors);
    }

    /** {@code {"errors":[…]}} with {@code status}. */
    Response errors(Response.Status status, List<FieldError> errors) {
        ObjectNode body = mapper.createObjectNode();
        body.set("errors", mapper.valueToTree(errors));
        return json(status, body);
    }

    private static void drain(InputStream stream) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long drained = 0;
        int read;
        while (drained < DRAIN_BYTES && (read = stream.read(buffer)) >= 0) {
            drained += read;
        }
    }

    private static boolean isJson(MediaType type) {
        return type.getType().equalsIgnoreCase("application")
                && (type.getSubtype().equalsIgnoreCase("json") || type.getSubtype().toLowerCase(java.util.Locale.ROOT).endsWith("+json"));
    }

    private static String bounded(String problem) {
        String line = problem.lines().findFirst().orElse("");
        return line.length() > MAX_MESSAGE_LENGTH ? line.substring(0, MAX_MESSAGE_LENGTH) + "…" : line;
    }

    private static String describe(JsonProcessingException malformed) {
        String problem = malformed.getOriginalMessage();
        if (problem == null) {
            problem = "unreadable";
        }
        problem = bounded(problem);
        JsonLocation where = malformed.getLocation();
        String at = where == null || where.getLineNr() < 1 ? ""
                : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
        return "the body is not valid JSON: " + problem + at;
    }
}
