package io.consolecms.webhooks.collection;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/** The contract's rules for the URLs of a webhook: each check answers the problem, if any, as a sentence. */
public final class UrlRules {

    /** The longest accepted URL, in characters. */
    public static final int MAX_LENGTH = 2048;

    /** What replaces a proxy's password in answers. */
    public static final String MASK = "****";

    private static final String NOT_A_URL = "must be an absolute http or https URL, e.g. https://example.com/hook";

    private UrlRules() {
    }

    /** The problem of a {@code target}: absolute http(s) with a host, no user-info, no fragment, short enough. */
    public static Optional<String> targetProblem(String text) {
        Optional<URI> uri = parseHttp(text);
        if (uri.isEmpty()) {
            return Optional.of(text.length() > MAX_LENGTH ? tooLong() : NOT_A_URL);
        }
        Optional<String> common = commonProblem(uri.get(), text);
        if (common.isPresent()) {
            return common;
        }
        if (uri.get().getRawUserInfo() != null) {
            return Optional.of("must not contain a user name or password; use the secret to authenticate deliveries");
        }
        return Optional.empty();
    }

    /** The problem of a {@code proxy.url}: absolute http(s) with a host, user-info allowed, no path, no fragment. */
    public static Optional<String> proxyProblem(String text) {
        Optional<URI> uri = parseHttp(text);
        if (uri.isEmpty()) {
            return Optional.of(text.length() > MAX_LENGTH ? tooLong()
                    : "must be an absolute http or https URL of a proxy, e.g. http://user:password@proxy.example.com:3128");
        }
        Optional<String> common = commonProblem(uri.get(), text);
        if (common.isPresent()) {
            return common;
        }
        String path = uri.get().getRawPath();
        if (!(path == null || path.isEmpty() || path.equals("/")) || uri.get().getRawQuery() != null) {
            return Optional.of("must be the URL of a proxy, without a path or a query, e.g. http://proxy.example.com:3128");
        }
        return Optional.empty();
    }

    /** Whether {@code text} is a URL whose scheme is {@code https}, case-insensitively. */
    public static boolean isHttps(String text) {
        return text != null && text.regionMatches(true, 0, "https:", 0, 6);
    }

    /** Whether {@code text} is a URL whose scheme is {@code http} (not https), case-insensitively. */
    public static boolean isPlainHttp(String text) {
        return text != null && text.regionMatches(true, 0, "http:", 0, 5);
    }

    /**
     * The URL with the password of its user-info replaced by {@link #MASK}; unchanged when it has none (or is not a
     * URL).
     */
    public static String maskPassword(String url) {
        return userInfo(url)
                .filter(info -> info.indexOf(':') >= 0)
                .map(info -> url.replace(info + "@", info.substring(0, info.indexOf(':') + 1) + MASK + "@"))
                .orElse(url);
    }

    /**
     * The URL a client sent back for a proxy, with a masked password restored from the stored URL when both name the
     * same user, host and port: what lets a client save a document it read without knowing the password.
     */
    public static String unmaskPassword(String sent, String stored) {
        if (sent == null || stored == null || !sent.contains(":" + MASK + "@")) {
            return sent;
        }
        return maskPassword(stored).equals(sent) ? stored : sent;
    }

    private static Optional<String> userInfo(String url) {
        try {
            return Optional.ofNullable(url == null ? null : new URI(url).getRawUserInfo());
        } catch (URISyntaxException notAUrl) {
            return Optional.empty();
        }
    }

    private static Optional<URI> parseHttp(String text) {
        if (text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || uri.isOpaque() || !(scheme.equals("http") || scheme.equals("https"))) {
                return Optional.empty();
            }
            return Optional.of(uri);
        } catch (URISyntaxException notAUrl) {
            return Optional.empty();
        }
    }

    private static Optional<String> commonProblem(URI uri, String text) {
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Optional.of("must have a host name or address, e.g. https://example.com/hook");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            return Optional.of("must have a port between 1 and 65535");
        }
        if (uri.getRawFragment() != null || text.indexOf('#') >= 0) {
            return Optional.of("must not contain a fragment (#…)");
        }
        return Optional.empty();
    }

    private static String tooLong() {
        return "must be at most " + MAX_LENGTH + " characters";
    }
}
