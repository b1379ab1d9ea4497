package io.consolecms.host.events;

import io.consolecms.host.auth.Role;
import io.consolecms.host.auth.Tokens;
import io.consolecms.host.http.ErrorBody;
import io.consolecms.host.http.JsonMapperResolver;
import io.consolecms.plugin.EventPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/events}: Console core publishes an event (core token). 202 once every listener stored it; 400,
 * 413, 415 for a bad request; 401 and 403 for a missing or wrong token; 503 when storage is unavailable.
 *
 * <p>The one endpoint on the hot path of Console core: served by Jetty directly, in front of Jersey, because its
 * per-request work (routing, injection, filters) cost as much CPU as storing the event. Every other request, other
 * methods and paths of {@code /api/events} included, goes on to Jersey, whose filters answer them as before.
 */
public final class EventsHandler extends Handler.Wrapper {

    static final String PATH = "/api/events";
    private static final int MAX = EventPublisher.MAX_EVENT_BYTES;
    private static final String BEARER = "Bearer ";
    private static final Logger LOG = LoggerFactory.getLogger(EventsHandler.class);

    private final Tokens tokens;
    private final HostEventPublisher publisher;

    public EventsHandler(Tokens tokens, HostEventPublisher publisher, Handler next) {
        super(next);
        this.tokens = tokens;
        this.publisher = publisher;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!"POST".equals(request.getMethod()) || !PATH.equals(Request.getPathInContext(request))) {
            return super.handle(request, response, callback);
        }
        Answer answer;
        try {
            answer = answer(request);
        } catch (IOException unreadable) {
            // the client went away (or broke the framing) in the middle of its body: nobody to answer, nothing stored
            LOG.debug("client went away: {}", unreadable.toString());
            callback.failed(unreadable);
            return true;
        }
        response.setStatus(answer.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (answer.status() == 401) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
        } else if (answer.status() == 503) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
        }
        response.write(true, ByteBuffer.wrap(JsonMapperResolver.MAPPER.writeValueAsBytes(answer.body())),
                Callback.from(callback::succeeded, gone -> {
                    LOG.debug("client went away: {}", gone.toString());
                    callback.failed(gone);
                }));
        return true;
    }

    private Answer answer(Request request) throws IOException {
        Optional<Role> caller = presentedToken(request).flatMap(tokens::roleOf);
        if (caller.isEmpty()) {
            return Answer.error(401, "a valid bearer token is required");
        }
        if (caller.get() != Role.CORE) {
            return Answer.error(403, "this token may not publish events");
        }
        if (!isJson(request.getHeaders().get(HttpHeader.CONTENT_TYPE))) {
            return Answer.error(415, "Content-Type must be application/json");
        }
        InputStream body = Content.Source.asInputStream(request);
        long declared = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (declared > MAX) {
            return tooLarge(); // the rest of the body is read after the answer (the HTTP server's UnreadBodyDrain)
        }
        // Reads at most one byte more than allowed, so that a chunked body cannot grow past the limit.
        byte[] json = body.readNBytes(MAX + 1);
        if (json.length > MAX) {
            return tooLarge();
        }
        HostEventPublisher.Outcome outcome = publisher.accept(json);
        if (outcome instanceof HostEventPublisher.Accepted accepted) {
            return new Answer(202, accepted.result());
        }
        if (outcome instanceof HostEventPublisher.Rejected rejected) {
            return rejected.tooLarge() ? tooLarge()
                    : new Answer(400, ErrorBody.ofField(rejected.field(), rejected.message()));
        }
        return Answer.error(503, "storage unavailable, publish again");
    }

    private static Optional<String> presentedToken(Request request) {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null || header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return Optional.of(header.substring(BEARER.length()).trim());
    }

    /** {@code application/json} or {@code application/…+json}, with any parameters. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
                .toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json")
                && type.indexOf('/') == type.lastIndexOf('/');
    }

    private static Answer tooLarge() {
        return Answer.error(413, "the event is larger than " + MAX + " bytes");
    }

    /** A status and the JSON body that goes with it. */
    private record Answer(int status, Object body) {
        static Answer error(int status, String message) {
            return new Answer(status, ErrorBody.of(message));
        }
    }
}
