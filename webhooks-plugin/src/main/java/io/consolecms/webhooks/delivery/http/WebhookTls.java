package io.consolecms.webhooks.delivery.http;

import java.io.IOException;
import java.net.Socket;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.HttpsSupport;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.ssl.SSLContexts;

/**
 * The TLS side of one shared HTTP client: each attempt names, in its context, the strategy of its webhook's
 * {@code base64CA} (see {@link #forCa}), so one connection pool serves webhooks with different trust. Strategies are
 * built once per distinct CA and kept in a small cache. Hostname verification is always on (JSSE's endpoint
 * identification and the client's own check), and there is no way to turn it off.
 */
final class WebhookTls implements TlsSocketStrategy {

    /** The context attribute holding the attempt's {@link TlsSocketStrategy}. */
    static final String CONTEXT_ATTRIBUTE = WebhookTls.class.getName();

    private static final int CACHED_CAS = 256;

    private final TlsSocketStrategy jvmDefault = strategy(SSLContexts.createDefault());
    private final Map<String, TlsSocketStrategy> byCa = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, TlsSocketStrategy> eldest) {
                    return size() > CACHED_CAS;
                }
            });

    /**
     * The strategy trusting the JVM's trust store plus {@code base64Ca} (only the JVM's when {@code null} or blank).
     *
     * @throws IllegalArgumentException when {@code base64Ca} is not base64 of certificates
     */
    TlsSocketStrategy forCa(String base64Ca) {
        if (base64Ca == null || base64Ca.isBlank()) {
            return jvmDefault;
        }
        String key = TrustMaterial.key(base64Ca);
        TlsSocketStrategy cached = byCa.get(key);
        if (cached != null) {
            return cached;
        }
        // built outside the lock: two threads may build the same one, which is harmless
        TlsSocketStrategy built = strategy(TrustMaterial.sslContext(TrustMaterial.parse(base64Ca)));
        byCa.put(key, built);
        return built;
    }

    @Override
    public SSLSocket upgrade(Socket socket, String target, int port, Object attachment, HttpContext context)
            throws IOException {
        Object chosen = context == null ? null : context.getAttribute(CONTEXT_ATTRIBUTE);
        TlsSocketStrategy strategy = chosen instanceof TlsSocketStrategy s ? s : jvmDefault;
        return strategy.upgrade(socket, target, port, attachment, context);
    }

    private static TlsSocketStrategy strategy(SSLContext sslContext) {
        return new DefaultClientTlsStrategy(sslContext, HostnameVerificationPolicy.BOTH,
                HttpsSupport.getDefaultHostnameVerifier());
    }
}
