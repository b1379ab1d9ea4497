package io.consolecms.webhooks.delivery.http;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.CredentialsProvider;
import org.apache.hc.client5.http.auth.UsernamePasswordCredentials;
import org.apache.hc.client5.http.impl.auth.CredentialsProviderBuilder;
import org.apache.hc.core5.http.HttpHost;

/**
 * A webhook's {@code proxy.url}: the HTTP proxy to go through and, from the URL's user-info, its Basic credentials.
 *
 * @param host the proxy (scheme {@code http}, or {@code https} for TLS to the proxy itself)
 * @param credentials the proxy credentials scoped to that proxy only, or {@code null}
 * @param key a short stable key of the whole URL (credentials included), so that connections opened with some
 *            credentials are never reused with others
 */
record WebhookProxy(HttpHost host, CredentialsProvider credentials, String key) {

    /**
     * Reads a proxy URL; user-info {@code user:password} is percent-decoded.
     *
     * @throws IllegalArgumentException with a message that never repeats the URL (it may hold a password)
     */
    static WebhookProxy parse(String proxyUrl) {
        URI uri;
        try {
            uri = new URI(proxyUrl.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("proxy URL is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("proxy URL must be an absolute http or https URL with a host");
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        HttpHost host = new HttpHost(scheme, uri.getHost(), port);
        CredentialsProvider credentials = null;
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            String user = percentDecode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            String password = colon < 0 ? "" : percentDecode(userInfo.substring(colon + 1));
            credentials = CredentialsProviderBuilder.create()
                    .add(new AuthScope(host), new UsernamePasswordCredentials(user, password.toCharArray()))
                    .build();
        }
        return new WebhookProxy(host, credentials, TrustMaterial.key(proxyUrl.strip()).substring(0, 16));
    }

    @Override
    public String toString() {
        // never the credentials
        return "WebhookProxy[" + host.toURI() + "]";
    }

    private static String percentDecode(String raw) {
        // not URLDecoder: in a URL's user-info '+' is a plus, not a space
        byte[] in = raw.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%' && i + 2 < in.length && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
                out.write(hex(in[i + 1]) * 16 + hex(in[i + 2]));
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte b) {
        return Character.digit((char) (b & 0xff), 16);
    }
}
