package io.consolecms.host.http;

import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Puts the browser hardening headers on every response of the host, before anything else writes one: the admin UI
 * and the plugins' UI assets must carry them, and an API answer or an error page carrying them costs nothing. The
 * policy allows only the host's own files: no inline script or style, no framing (clickjacking), no MIME sniffing, no
 * {@code Referer} sent to other sites.
 */
final class SecurityHeaders extends Handler.Wrapper {

    static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'",
            "X-Frame-Options", "DENY",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer");

    SecurityHeaders(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        HEADERS.forEach((name, value) -> response.getHeaders().put(name, value));
        return super.handle(request, response, callback);
    }
}
