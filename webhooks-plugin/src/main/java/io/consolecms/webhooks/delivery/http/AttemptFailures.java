package io.consolecms.webhooks.delivery.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.NoHttpResponseException;

/** Short messages, for an operator, of the ways an attempt can fail without an answer. */
final class AttemptFailures {

    private AttemptFailures() {
    }

    /** {@code 15s}, {@code 500ms}: how the timeout was configured, not an ISO duration. */
    static String timedOut(Duration timeout) {
        long millis = timeout.toMillis();
        return "timed out after " + (millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms");
    }

    /**
     * What went wrong with an attempt to {@code target}, connecting directly or, when {@code proxy} is not
     * {@code null}, to that proxy.
     *
     * @param beforeTunnel whether the failure came before the route to the target was complete: while connecting to
     *                     the proxy or reading its answer to CONNECT
     */
    static String describe(IOException failure, URI target, HttpHost proxy, boolean beforeTunnel) {
        String targetHost = target.getHost();
        String connectedHost = proxy == null ? targetHost : proxy.getHostName();
        int targetPort = target.getPort() >= 0 ? target.getPort()
                : "https".equalsIgnoreCase(target.getScheme()) ? 443 : 80;
        String endpoint = proxy == null ? targetHost + ":" + targetPort : proxy.toHostString();
        TargetPolicy.Denied denied = find(failure, TargetPolicy.Denied.class);
        if (denied != null) {
            boolean isProxy = proxy != null && proxy.getHostName().equalsIgnoreCase(denied.host());
            return denied.describe(isProxy ? "proxy" : "target");
        }
        AnswerHeadParser.TooLarge tooLarge = find(failure, AnswerHeadParser.TooLarge.class);
        if (tooLarge != null) {
            return (proxy != null && beforeTunnel ? "proxy " + endpoint + " answered CONNECT with "
                    : "the receiver answered with ") + tooLarge.getMessage();
        }
        if (find(failure, SSLException.class) != null) {
            return tls(failure, targetHost);
        }
        if (find(failure, ConnectTimeoutException.class) != null) {
            return "connecting to " + endpoint + " timed out";
        }
        if (find(failure, ConnectException.class) != null) {
            return "connection refused by " + endpoint;
        }
        if (find(failure, UnknownHostException.class) != null) {
            return "DNS: cannot resolve " + (proxy == null ? "" : "the proxy ") + connectedHost;
        }
        if (find(failure, NoHttpResponseException.class) != null) {
            return endpoint + " closed the connection without answering";
        }
        if (find(failure, SocketTimeoutException.class) != null) {
            return "no answer from " + endpoint + " in time";
        }
        SocketException socket = find(failure, SocketException.class);
        if (socket != null) {
            return "connection to " + endpoint + " failed: " + socket.getMessage();
        }
        return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    }

    /** Why the proxy, not the receiver, answered: it wants (other) credentials, or it refused the tunnel. */
    static String proxyRefusal(int status, String reason, WebhookProxy proxy) {
        String line = "HTTP " + status + (reason == null || reason.isBlank() ? "" : " " + reason);
        if (status == 407) {
            return proxy.credentials() == null
                    ? "proxy " + proxy.host().toHostString() + " requires authentication (" + line + "); put"
                    + " user:password in the proxy URL"
                    : "proxy " + proxy.host().toHostString() + " rejected the credentials of the proxy URL (" + line
                    + ")";
        }
        return "proxy " + proxy.host().toHostString() + " refused the tunnel (CONNECT): " + line;
    }

    private static String tls(Throwable failure, String host) {
        if (find(failure, CertificateExpiredException.class) != null) {
            return "TLS: the certificate of " + host + " has expired";
        }
        if (find(failure, CertificateNotYetValidException.class) != null) {
            return "TLS: the certificate of " + host + " is not valid yet";
        }
        String messages = messages(failure).toLowerCase(Locale.ROOT);
        if (find(failure, SSLPeerUnverifiedException.class) != null || messages.contains("no subject alternative")
                || messages.contains("no name matching") || messages.contains("doesn't match")) {
            return "TLS: hostname " + host + " does not match the certificate";
        }
        if (find(failure, CertPathBuilderException.class) != null
                || find(failure, CertPathValidatorException.class) != null || messages.contains("pkix")) {
            return "TLS: certificate not trusted: " + host + "'s certificate chain does not lead to a CA of the JVM's"
                    + " trust store nor of the webhook's base64CA";
        }
        SSLException ssl = find(failure, SSLException.class);
        return "TLS: " + (ssl.getMessage() == null ? ssl.getClass().getSimpleName() : ssl.getMessage());
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 20; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
