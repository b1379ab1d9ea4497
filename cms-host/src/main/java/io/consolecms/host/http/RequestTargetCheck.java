package io.consolecms.host.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers 400 {@code {"errors":[…]}} for a request target that Jetty accepts but {@link URI} does not (a query with
 * {@code %zz}, a lone {@code %}, a raw space or non-ASCII byte), before it reaches Jersey. Jersey builds a {@link URI}
 * from every target and, when that fails, has Jetty write an HTML 400 and log the parse error with its stack trace at
 * WARN: a client's typo would look like a host fault in the log and get an answer that names nothing.
 */
final class RequestTargetCheck extends Handler.Wrapper {

    RequestTargetCheck(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HttpURI target = request.getHttpURI();
        String query = target.getQuery();
        try {
            // what jersey-container-jetty-http parses: the encoded path, then the raw query
            new URI("http://localhost" + target.getPath() + (query == null ? "" : "?" + query));
        } catch (URISyntaxException malformed) {
            String field = query != null && isQuery(malformed, target.getPath()) ? "query" : "path";
            String message = "the request " + field + " is not a valid URI: " + malformed.getReason()
                    + " (percent-encode reserved and non-ASCII characters as %XX, and '%' itself as %25)";
            response.setStatus(400);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, ByteBuffer.wrap(JsonMapperResolver.MAPPER.writeValueAsBytes(
                    ErrorBody.ofField(field, message))), callback);
            return true;
        }
        return super.handle(request, response, callback);
    }

    private static boolean isQuery(URISyntaxException malformed, String path) {
        return malformed.getIndex() >= "http://localhost".length() + (path == null ? 0 : path.length());
    }
}
