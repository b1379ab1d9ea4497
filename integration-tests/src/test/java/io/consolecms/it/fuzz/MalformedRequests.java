package io.consolecms.it.fuzz;

import io.consolecms.it.fuzz.MalformedBodies.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Requests to every endpoint of the contract, each part generated: the method (mostly the one the endpoint takes),
 * the ids in its path (real ones, or junk), its query, its headers and its body.
 */
final class MalformedRequests {

    /** An endpoint of the contract; {@code {id}} stands for a generated id. */
    private record Endpoint(String path, List<String> methods, Kind body) {
        static Endpoint of(String path, Kind body, String... methods) {
            return new Endpoint(path, List.of(methods), body);
        }
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            Endpoint.of("/api/webhooks/", Kind.WEBHOOK, "POST", "GET"),
            Endpoint.of("/api/webhooks", Kind.WEBHOOK, "POST", "GET"),
            Endpoint.of("/api/webhooks/count", Kind.NONE, "GET"),
            Endpoint.of("/api/webhooks/count-by-state", Kind.NONE, "GET"),
            Endpoint.of("/api/webhooks/events", Kind.NONE, "GET"),
            Endpoint.of("/api/webhooks/{id}", Kind.PATCH, "GET", "PATCH", "DELETE"),
            Endpoint.of("/api/webhooks/{id}/state", Kind.STATE, "POST"),
            Endpoint.of("/api/webhooks/{id}/test", Kind.NONE, "POST"),
            Endpoint.of("/api/webhooks/{id}/redeliver", Kind.NONE, "POST"),
            Endpoint.of("/api/webhooks/{id}/deliveries", Kind.NONE, "GET"),
            Endpoint.of("/api/webhooks/{id}/secret", Kind.SECRET, "POST"),
            Endpoint.of("/api/webhooks/{id}/stats", Kind.NONE, "GET"),
            Endpoint.of("/api/deliveries/{id}", Kind.NONE, "GET"),
            Endpoint.of("/api/deliveries/{id}/redeliver", Kind.NONE, "POST"),
            Endpoint.of("/api/deliveries/redeliver", Kind.BULK_REDELIVER, "POST"),
            Endpoint.of("/api/events", Kind.EVENT, "POST"),
            Endpoint.of("/api/plugins", Kind.NONE, "GET"),
            Endpoint.of("/api/collections", Kind.NONE, "GET"),
            Endpoint.of("/health", Kind.NONE, "GET"),
            Endpoint.of("/metrics", Kind.NONE, "GET"),
            Endpoint.of("/", Kind.NONE, "GET"),
            Endpoint.of("/{id}", Kind.NONE, "GET"),
            Endpoint.of("/plugins/webhooks/{id}", Kind.NONE, "GET"),
            Endpoint.of("/plugins/{id}/index.js", Kind.NONE, "GET"));

    private static final List<String> METHODS = List.of("GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS");

    private final List<String> webhookIds;
    private final List<String> deliveryIds;
    private final String adminToken;
    private final String coreToken;
    private final MalformedBodies bodies;

    /** Ids and tokens of a running host, so that most requests get past routing and authentication. */
    MalformedRequests(List<String> webhookIds, List<String> deliveryIds, String adminToken, String coreToken,
                      String receiverUrl) {
        this.webhookIds = List.copyOf(webhookIds);
        this.deliveryIds = List.copyOf(deliveryIds);
        this.adminToken = adminToken;
        this.coreToken = coreToken;
        this.bodies = new MalformedBodies(receiverUrl);
    }

    Arbitrary<RawRequest> requests() {
        return Arbitraries.of(ENDPOINTS).flatMap(endpoint -> Combinators.combine(
                method(endpoint), id().map(id -> endpoint.path().replace("{id}", id)), query(),
                headers(endpoint), bodies.of(endpoint.body()))
                .as((method, path, query, headers, body) ->
                        new RawRequest(method, framable(path + query), headers, body)));
    }

    private static Arbitrary<String> method(Endpoint endpoint) {
        return Arbitraries.frequencyOf(
                Tuple.of(7, Arbitraries.of(endpoint.methods())),
                Tuple.of(2, Arbitraries.of(METHODS)),
                Tuple.of(1, Arbitraries.of("get", "TRACE", "CONNECT", "PROPFIND", "FOO", "G\u00c9T", "")));
    }

    private Arbitrary<String> id() {
        Arbitrary<String> webhook = Arbitraries.integers().between(0, webhookIds.size() - 1).map(webhookIds::get);
        Arbitrary<String> delivery = Arbitraries.integers().between(0, deliveryIds.size() - 1).map(deliveryIds::get);
        return Arbitraries.frequencyOf(
                Tuple.of(5, webhook),
                Tuple.of(3, delivery),
                Tuple.of(2, Arbitraries.strings().withChars("0123456789abcdef").ofLength(24)),
                Tuple.of(2, Arbitraries.strings().alpha().numeric().ofMaxLength(30)),
                Tuple.of(3, Arbitraries.of("", "%00", "..", "%2e%2e", "%2E%2E%2F", ".", "%2F", "%", "%zz", "%c3%28",
                        "%ff%fe", "%ed%a0%80", "%C0%AF", "null", "-1", "0", "{id}", "%7B%7D", "a;b", "a%3Bb", ";",
                        "~", "*", "%20", "+", "count", "events", "redeliver", "..%2F..%2Fetc%2Fpasswd",
                        "%u0041", "%%30%30", "%E2%80%AE", "%F0%9F%98%80")),
                Tuple.of(1, Arbitraries.integers().between(200, 20_000).map("f"::repeat)),
                Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12)),
                Tuple.of(2, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12)
                        .map(MalformedRequests::percentEncoded)),
                Tuple.of(2, Combinators.combine(webhook, Arbitraries.of("%00", "/", "%2F", ";x", "X", "%20", "..",
                        "\u00e9")).as(String::concat)),
                Tuple.of(1, webhook.map(String::toUpperCase)));
    }

    private static Arbitrary<String> query() {
        Arbitrary<String> key = Arbitraries.oneOf(
                Arbitraries.of("_l", "_sk", "_s", "_st", "_p", "_q", "_id", "eventName", "tenantId", "projectId",
                        "target", "__STATE__", "since", "until", "status", "hours", "webhookId", "secret",
                        "hasSecret", "createdAt", "lastDelivery.status", "proxy.url", "", "%00", "_l[]", "%zz"),
                Arbitraries.strings().all().ofMaxLength(10).map(MalformedRequests::percentEncoded));
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("", "0", "1", "-1", "-0", "+5", "200", "201", "1001", "2147483648", "-2147483649",
                        "9223372036854775807", "9223372036854775808", "99999999999999999999999999", "1e309", "NaN",
                        "0x10", "1.5", "PUBLIC", "DRAFT,PUBLIC", "PUBLIC,,", ",", "TRASH", "DELETED", "public",
                        "pending", "succeeded", "failed", "eventName", "-eventName", "createdAt", "-_id", "%00",
                        "%zz", "%", "2026-11-28T10:00:00Z", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00Z",
                        "2026-13-45T99:99:99Z", "1732780800000", "999999999999999", "9999999999999999",
                        "project_created", "%E2%80%AE", "%FF", "a%20b", "[object]", "{\"$gt\":1}", "true"),
                Arbitraries.integers().map(Object::toString),
                Arbitraries.strings().all().ofMaxLength(20).map(MalformedRequests::percentEncoded),
                Arbitraries.integers().between(100, 9000).map("9"::repeat));
        Arbitrary<String> pair = Combinators.combine(key, value, Arbitraries.of("=", "=", "=", "", "=="))
                .as((k, v, equals) -> k + equals + v);
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just("")),
                Tuple.of(6, pair.list().ofMinSize(1).ofMaxSize(5).map(pairs -> "?" + String.join("&", pairs))),
                Tuple.of(1, Arbitraries.of("?", "?&&", "?=", "?&=&", "?_l", "?_l=1&_l=2&_l=3", "?_st=PUBLIC&_st=x",
                        "?_sk=-1&_sk=99999999999", "?status=pending&status=junk", "?since=&since=0", "??", "?#",
                        "?%", "?hours=0", "?hours=-24", "?hours=100000000000", "?hours=24.5")));
    }

    private Arbitrary<List<Map.Entry<String, String>>> headers(Endpoint endpoint) {
        Arbitrary<String> contentType = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.just("application/json")),
                Tuple.of(6, Arbitraries.of("application/json; charset=utf-8", "application/json; charset=utf-16",
                        "application/json; charset=UTF-16LE", "application/json; charset=utf-32",
                        "application/json; charset=junk", "application/json; charset=", "application/json;;",
                        "application/json; charset=\"utf-8\"", "APPLICATION/JSON", "application/merge-patch+json",
                        "application/vnd.x+json", "application/x+json+json", "text/plain",
                        "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "multipart/form-data",
                        "*/*", "application/*", "application/", "/json", ";;;", "json", "", " ", "application/xml",
                        "text/json", "application/json\u0000", "application/json; q=\u00e9")),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(30)))
                .injectNull(0.15);
        Arbitrary<String> authorization = Arbitraries.frequencyOf(
                Tuple.of(16, Arbitraries.just("Bearer " + adminToken)),
                Tuple.of(endpoint.body() == Kind.EVENT ? 12 : 1, Arbitraries.just("Bearer " + coreToken)),
                Tuple.of(1, Arbitraries.of("Bearer", "Bearer ", "bearer " + adminToken, "Bearer  " + adminToken + " ",
                        "Basic YWRtaW46YWRtaW4=", "Bearer " + adminToken + "x", "Bearer \u00e9\u00e9",
                        "Bearer " + "t".repeat(10_000), adminToken, "Bearer " + adminToken + ", Bearer x")),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(30)))
                .injectNull(0.05);
        Arbitrary<Map.Entry<String, String>> extra = Arbitraries.of(
                Map.entry("Accept", "application/xml"), Map.entry("Accept", "text/html;q=0.9, */*;q=0.1"),
                Map.entry("Accept", "junk"), Map.entry("Accept", ""), Map.entry("Accept-Charset", "utf-32"),
                Map.entry("Accept-Encoding", "gzip, br, zstd"), Map.entry("Content-Encoding", "gzip"),
                Map.entry("Content-Encoding", "junk"), Map.entry("Content-Type", "text/plain"),
                Map.entry("Content-Language", "\u00e9"), Map.entry("X-HTTP-Method-Override", "DELETE"),
                Map.entry("If-Match", "*"), Map.entry("If-None-Match", "\"x\""), Map.entry("Range", "bytes=0-1"),
                Map.entry("If-Modified-Since", "junk"), Map.entry("Origin", "null"), Map.entry("Expect", "100-continue"),
                Map.entry("Cookie", "a=b; ; =;"), Map.entry("X-Forwarded-For", "1.2.3.4, junk"),
                Map.entry("Forwarded", "for=\"[::1]\";proto=junk"), Map.entry("X-Junk", "\u0001\u0002"),
                Map.entry("Junk Header", "x"), Map.entry(":path", "/health"), Map.entry("X-Long", "l".repeat(8000)));
        return Combinators.combine(contentType, authorization, extra.list().ofMaxSize(2))
                .as((type, auth, extras) -> {
                    List<Map.Entry<String, String>> headers = new ArrayList<>();
                    if (type != null) {
                        headers.add(Map.entry("Content-Type", framable(type)));
                    }
                    if (auth != null) {
                        headers.add(Map.entry("Authorization", framable(auth)));
                    }
                    headers.addAll(extras);
                    return headers;
                });
    }

    private static String percentEncoded(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            encoded.append('%').append(String.format("%02X", b & 0xff));
        }
        return encoded.toString();
    }

    /**
     * Without CR and LF, which would end the line early and change the framing of the request rather than its
     * content; every other byte, controls included, stays.
     */
    private static String framable(String text) {
        return text.replace("\r", "").replace("\n", "");
    }
}
