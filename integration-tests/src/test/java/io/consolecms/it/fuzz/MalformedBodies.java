package io.consolecms.it.fuzz;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Request bodies: a valid document of the endpoint's kind, changed by a few generated mutations of its JSON tree
 * (wrong types, unknown or renamed members, junk {@code $set} paths), then by one change of its bytes (cut short, NUL
 * and invalid UTF-8 inserted, re-encoded as UTF-16 or UTF-32, nested deeply, blown up). Every choice is a generated
 * value, so jqwik shrinks a failing body towards the valid document.
 */
final class MalformedBodies {

    /** What an endpoint takes. */
    enum Kind { WEBHOOK, PATCH, STATE, EVENT, SECRET, BULK_REDELIVER, NONE }

    /**
     * Writes what the mutations made, however deep (the host must refuse depth, not this test) and with lone
     * surrogates left in (as text, then encoded by {@link #utf8}), since Jackson's own UTF-8 writer throws on both: a
     * generator that throws ends a jqwik property early, as "exhausted", after a few tries.
     */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build())
            .build());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Charset UTF_32BE = Charset.forName("UTF-32BE");
    private static final Charset UTF_32LE = Charset.forName("UTF-32LE");

    private final String target;

    /** @param target a webhook target that exists (the test's receiver), so that valid documents are valid */
    MalformedBodies(String target) {
        this.target = target;
    }

    Arbitrary<byte[]> of(Kind kind) {
        Arbitrary<Kind> template = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(kind)),
                Tuple.of(2, Arbitraries.of(Kind.class)));
        return template.flatMap(chosen -> Combinators.combine(
                        mutation().list().ofMaxSize(3), byteChange())
                .as((mutations, change) -> change.apply(serialize(chosen, mutations))));
    }

    private byte[] serialize(Kind kind, List<UnaryOperator<JsonNode>> mutations) {
        if (kind == Kind.NONE) {
            return new byte[0];
        }
        JsonNode document = document(kind);
        for (UnaryOperator<JsonNode> mutation : mutations) {
            document = mutation.apply(document);
        }
        try {
            return utf8(JSON.writeValueAsString(document));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private JsonNode document(Kind kind) {
        String text = switch (kind) {
            case WEBHOOK -> "{\"eventName\":\"project_created\",\"target\":\"" + target + "\",\"secret\":\"s3cret\","
                    + "\"tenantId\":\"acme\",\"projectId\":\"p1\",\"__STATE__\":\"DRAFT\"}";
            case PATCH -> "{\"$set\":{\"target\":\"" + target + "\",\"tenantId\":\"t\",\"proxy\":{\"url\":"
                    + "\"http://user:pw@127.0.0.1:1\"}},\"$unset\":{\"projectId\":true}}";
            case STATE -> "{\"stateTo\":\"TRASH\"}";
            case EVENT -> "{\"eventName\":\"project_created\",\"eventTimestamp\":1732780800000,"
                    + "\"payload\":{\"tenantId\":\"acme\",\"projectId\":\"p1\"}}";
            case SECRET -> "{\"secret\":\"whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=\",\"keepPreviousFor\":\"1h\"}";
            case BULK_REDELIVER -> "{\"since\":\"2026-01-01T00:00:00Z\",\"status\":\"failed\","
                    + "\"eventName\":\"project_created\"}";
            case NONE -> "{}";
        };
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** One change of the tree; {@code at} picks the member (modulo the members there are). */
    private Arbitrary<UnaryOperator<JsonNode>> mutation() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, 20);
        return Arbitraries.oneOf(
                Combinators.combine(at, junkValue()).as(MalformedBodies::replaceValue),
                at.map(MalformedBodies::removeMember),
                Combinators.combine(junkKey(), junkValue()).as(MalformedBodies::addMember),
                Combinators.combine(Arbitraries.of("$set", "$unset", "$inc", "$push"), junkKey(), junkValue())
                        .as(MalformedBodies::operator),
                junkValue().map(value -> document -> value));
    }

    private static UnaryOperator<JsonNode> replaceValue(int at, JsonNode value) {
        return document -> {
            List<ObjectNode> parents = new ArrayList<>();
            List<String> names = new ArrayList<>();
            members(document, parents, names);
            if (!parents.isEmpty()) {
                int i = at % parents.size();
                parents.get(i).set(names.get(i), value);
            }
            return document;
        };
    }

    private static UnaryOperator<JsonNode> removeMember(int at) {
        return document -> {
            List<ObjectNode> parents = new ArrayList<>();
            List<String> names = new ArrayList<>();
            members(document, parents, names);
            if (!parents.isEmpty()) {
                int i = at % parents.size();
                parents.get(i).remove(names.get(i));
            }
            return document;
        };
    }

    private static UnaryOperator<JsonNode> addMember(String name, JsonNode value) {
        return document -> {
            if (document instanceof ObjectNode object) {
                object.set(name, value);
            }
            return document;
        };
    }

    private static UnaryOperator<JsonNode> operator(String operator, String path, JsonNode value) {
        return document -> {
            if (document instanceof ObjectNode object) {
                JsonNode existing = object.get(operator);
                ObjectNode paths = existing instanceof ObjectNode found ? found : object.putObject(operator);
                paths.set(path, value);
            }
            return document;
        };
    }

    private static void members(JsonNode node, List<ObjectNode> parents, List<String> names) {
        if (node instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(name -> {
                parents.add(object);
                names.add(name);
            });
            List<JsonNode> children = new ArrayList<>();
            object.elements().forEachRemaining(children::add);
            children.forEach(child -> members(child, parents, names));
        }
    }

    static Arbitrary<String> junkKey() {
        return Arbitraries.oneOf(
                Arbitraries.of("", ".", "..", "a..b", "proxy.url.x", "proxy..url", "proxy.", ".proxy", "__STATE__",
                        "_id", "secret", "hasSecret", "lastDelivery.status", "createdAt", "eventName.x", "$set",
                        "target.", "tenantId", "projectId", "base64CA", "rateLimit", "proxy", "proxy.url",
                        "__proto__", "constructor", "a\u0000b", "\u00e9v\u00e9nement", "\ud83d\ude00"),
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().withChars('a', '.', '$').ofMinLength(1).ofMaxLength(12),
                Arbitraries.integers().between(1000, 20_000).map("k"::repeat));
    }

    static Arbitrary<JsonNode> junkValue() {
        return Arbitraries.oneOf(
                Arbitraries.<JsonNode>of(NODES.nullNode(), NODES.booleanNode(true), NODES.numberNode(0),
                        NODES.numberNode(-1), NODES.numberNode(Long.MAX_VALUE), NODES.numberNode(Long.MIN_VALUE), NODES.numberNode(1e308),
                        NODES.numberNode(-0.5), NODES.numberNode(new java.math.BigInteger("9".repeat(400))),
                        NODES.numberNode(new java.math.BigDecimal("1e-400")), NODES.arrayNode(), NODES.objectNode(),
                        NODES.textNode(""), NODES.textNode(" "), NODES.textNode("PUBLIC"), NODES.textNode("DELETED"),
                        NODES.textNode("project_created"), NODES.textNode("http://[::1]:80/"),
                        NODES.textNode("https://user:pw@example.com/#frag"), NODES.textNode("javascript:alert(1)"),
                        NODES.textNode("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
                        NODES.textNode("whsec_!!!notbase64"), NODES.textNode("\u0000"), NODES.textNode("\ud800"),
                        NODES.textNode("1970-01-01T00:00:00Z"), NODES.textNode("+999999999-12-31T23:59:59Z"),
                        NODES.textNode("-9999999999999"), NODES.textNode("P1000000000D"))
                        // a fresh copy each time: mutations change the nodes they are given, and a shared node
                        // would grow across tries (even into itself, a cycle that cannot be written)
                        .map(node -> (JsonNode) node.deepCopy()),
                Arbitraries.strings().all().ofMaxLength(60).map(NODES::textNode),
                // a 300,000-character string: 1 in 5 of these picks, so that giant bodies, which cost the most time
                // to send and parse, stay a few per cent of all requests
                Arbitraries.integers().between(0, 4)
                        .map(giant -> NODES.textNode(giant == 0 ? "x".repeat(300_000) : "x".repeat(giant * 1000))),
                Arbitraries.integers().between(-3, 3000).map(NODES::numberNode),
                Arbitraries.longs().map(NODES::numberNode),
                Arbitraries.doubles().map(NODES::numberNode),
                Arbitraries.integers().between(1, 3000).map(MalformedBodies::nested),
                junkKey().list().ofMaxSize(5).map(items -> {
                    ArrayNode array = NODES.arrayNode();
                    items.forEach(array::add);
                    return array;
                }));
    }

    /**
     * UTF-8 bytes of {@code text}, a lone surrogate written as its 3-byte form (invalid UTF-8 the host must refuse)
     * rather than replaced by {@code ?} as {@link String#getBytes} would.
     */
    private static byte[] utf8(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.writeBytes(text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8));
                i++;
            } else if (Character.isSurrogate(c)) {
                out.write(0xe0 | c >> 12);
                out.write(0x80 | c >> 6 & 0x3f);
                out.write(0x80 | c & 0x3f);
            } else if (c < 0x80) {
                out.write(c);
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static JsonNode nested(int depth) {
        JsonNode node = NODES.textNode("deep");
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? NODES.arrayNode().add(node) : NODES.objectNode().set("a", node);
        }
        return node;
    }

    /** One change of the serialized bytes, mostly none. */
    private static Arbitrary<UnaryOperator<byte[]>> byteChange() {
        Arbitrary<Double> where = Arbitraries.doubles().between(0, 1);
        return Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.<UnaryOperator<byte[]>>just(UnaryOperator.identity())),
                Tuple.of(3, where.map(MalformedBodies::truncate)),
                Tuple.of(2, Combinators.combine(where, Arbitraries.of(
                                new byte[] {0}, new byte[] {(byte) 0xc3, 0x28}, new byte[] {(byte) 0xff},
                                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                                new byte[] {(byte) 0xc0, (byte) 0xaf}, new byte[] {(byte) 0xf4, (byte) 0x90, 0, 0},
                                new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, new byte[] {(byte) 0xfe, (byte) 0xff},
                                new byte[] {'\\', 'u', 'd', '8', '0', '0'}, new byte[] {'"'}, new byte[] {'}', '{'}))
                        .as(MalformedBodies::insert)),
                Tuple.of(3, Combinators.combine(
                                Arbitraries.of(StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE,
                                        StandardCharsets.UTF_16, UTF_32BE, UTF_32LE),
                                Arbitraries.integers().between(0, 3))
                        .as(MalformedBodies::reencode)),
                Tuple.of(1, Combinators.combine(Arbitraries.of("[", "{\"a\":", "[{\"a\":"),
                                Arbitraries.integers().between(500, 200_000))
                        .as(MalformedBodies::deepNesting)),
                Tuple.of(1, Arbitraries.integers().between(1024 * 1024 - 64, 1024 * 1024 + 64)
                        .map(MalformedBodies::huge)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(200).map(random -> body -> random)));
    }

    private static UnaryOperator<byte[]> truncate(double fraction) {
        return body -> Arrays.copyOf(body, (int) (body.length * fraction));
    }

    private static UnaryOperator<byte[]> insert(double fraction, byte[] bytes) {
        return body -> {
            int at = (int) (body.length * fraction);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(body, 0, at);
            out.writeBytes(bytes);
            out.write(body, at, body.length - at);
            return out.toByteArray();
        };
    }

    private static UnaryOperator<byte[]> reencode(Charset charset, int cutShort) {
        return body -> {
            byte[] encoded = new String(body, StandardCharsets.UTF_8).getBytes(charset);
            return Arrays.copyOf(encoded, Math.max(0, encoded.length - cutShort));
        };
    }

    private static UnaryOperator<byte[]> deepNesting(String opening, int depth) {
        return body -> opening.repeat(depth).getBytes(StandardCharsets.UTF_8);
    }

    private static UnaryOperator<byte[]> huge(int length) {
        return body -> {
            byte[] bytes = new byte[length];
            Arrays.fill(bytes, (byte) 'x');
            byte[] start = "{\"eventName\":\"".getBytes(StandardCharsets.UTF_8);
            System.arraycopy(start, 0, bytes, 0, start.length);
            return bytes;
        };
    }
}
