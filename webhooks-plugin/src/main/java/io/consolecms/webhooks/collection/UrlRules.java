package io.consolecms.webhooks.collection;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/** The contract's rules for the URLs of a webhook: each check answers the problem, if any, as a sentence. */
public final class UrlRules {

    /** The longest accepted URL, in characters. */
    public static final int MAX_LENGTH = 2048;

    /**
     * What replaces the whole user-info of a proxy URL in answers and logs: {@code http://****@proxy:3128}. The whole
     * of it, not only a password, since {@code http://TOKEN@proxy} carries a credential without any colon.
     */
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
        if (hasMaskedUserInfo(text)) {
            return Optional.of("holds masked credentials (" + MASK + "@), which stand for the stored ones only while"
                    + " the rest of the URL is unchanged: type the proxy's user name and password again");
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
     * The URL with its user-info, if any, replaced by {@link #MASK}: {@code http://****@proxy:3128}. Works on text
     * that is not a valid URL too (what a client sent may be logged), taking as user-info whatever comes before the
     * last {@code @} of the authority, as browsers do.
     */
    public static String maskUserInfo(String url) {
        if (url == null) {
            return null;
        }
        int at = userInfoEnd(url);
        return at < 0 ? url : url.substring(0, authorityStart(url)) + MASK + url.substring(at);
    }

    /**
     * The URL a client sent back for a proxy, with masked user-info restored from the stored URL when the rest of both
     * is the same: what lets a client save a document it read without knowing the credentials. Credentials are never
     * carried over to another proxy (scheme, host or port), so a masked URL that differs stays masked, and
     * {@link #proxyProblem} refuses it.
     */
    public static String unmaskUserInfo(String sent, String stored) {
        if (sent == null || stored == null || !hasMaskedUserInfo(sent)) {
            return sent;
        }
        return maskUserInfo(stored).equals(sent) ? stored : sent;
    }

    private static boolean hasMaskedUserInfo(String url) {
        int at = userInfoEnd(url);
        return at >= 0 && url.substring(authorityStart(url), at).equals(MASK);
    }

    /** Where the authority begins: after {@code scheme://}, or at 0 for text without one. */
    private static int authorityStart(String url) {
        int separator = url.indexOf("://");
        return separator < 0 ? 0 : separator + 3;
    }

    /** The index of the {@code @} that ends the authority's user-info, or -1 when it has none. */
    private static int userInfoEnd(String url) {
        int start = authorityStart(url);
        int end = start;
        while (end < url.length() && "/?#\\".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        int at = url.lastIndexOf('@', end - 1);
        return at >= start ? at : -1;
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
