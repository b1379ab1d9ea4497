package io.consolecms.webhooks.collection;

import io.consolecms.webhooks.secrets.SecretBox;
import io.consolecms.webhooks.secrets.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.consolecms.webhooks.Migrations;
import io.consolecms.webhooks.ObjectId;
import io.consolecms.webhooks.catalog.EventCatalog;
import io.consolecms.webhooks.catalog.EventsResource;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhooksResourceTest {

    private static final Instant START = Instant.parse("2026-11-28T09:00:00Z");
    private static final String SECRET = "s3cr3t-that-must-never-leave";

    private JdbcDataSource dataSource;
    private WebhookValidator validator;
    private CollectionServer server;
    /** Every answer of a test, to check that none carries a secret. */
    private final List<CollectionServer.Reply> replies = new ArrayList<>();

    private final SecretBox secrets = TestKeys.box();

    @BeforeAll
    void startServer() throws Exception {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Migrations.migrate(dataSource);
        EventCatalog catalog = EventCatalog.standard();
        validator = new WebhookValidator(catalog);
        // a clock a second ahead at each reading: creation order is observable in listings
        TickingClock ticking = new TickingClock(START);
        server = CollectionServer.start(new WebhooksResource(new WebhookStore(dataSource, secrets), validator,
                        TargetHealth.ALWAYS_HEALTHY, ticking),
                new EventsResource(catalog));
    }

    @AfterAll
    void stopServer() throws Exception {
        server.close();
        validator.close();
    }

    @BeforeEach
    void emptyTable() throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute("DELETE FROM webhooks");
        }
        replies.clear();
    }

    @org.junit.jupiter.api.AfterEach
    void noAnswerCarriedASecret() {
        assertThat(replies).allSatisfy(reply -> assertThat(reply.body()).doesNotContain(SECRET, "proxy-password"));
    }

    // ---- create and read

    @Test
    void createsAPublicWebhookAndAnswersItsIdThenReadsItBackWithCrudServiceMetadata() {
        CollectionServer.Reply created = call(server.post("/api/webhooks/", """
                {"tenantId":"acme","projectId":"checkout","eventName":"project_created",
                 "target":"https://hooks.example.com/console","secret":"%s"}""".formatted(SECRET)));
        assertThat(created.status()).isEqualTo(200);
        String id = created.json().get("_id").asText();
        assertThat(ObjectId.isValid(id)).isTrue();

        JsonNode document = call(server.get("/api/webhooks/" + id)).json();
        assertThat(document.get("_id").asText()).isEqualTo(id);
        assertThat(document.get("tenantId").asText()).isEqualTo("acme");
        assertThat(document.get("projectId").asText()).isEqualTo("checkout");
        assertThat(document.get("eventName").asText()).isEqualTo("project_created");
        assertThat(document.get("target").asText()).isEqualTo("https://hooks.example.com/console");
        assertThat(document.get("__STATE__").asText()).isEqualTo("PUBLIC");
        assertThat(document.get("hasSecret").asBoolean()).isTrue();
        assertThat(document.has("secret")).isFalse();
        assertThat(document.get("creatorId").asText()).isEqualTo("admin");
        assertThat(document.get("updaterId").asText()).isEqualTo("admin");
        assertThat(document.get("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(Instant.parse(document.get("createdAt").asText())).isAfter(START);
        assertThat(document.get("updatedAt").asText()).isEqualTo(document.get("createdAt").asText());
        assertThat(document.has("lastDelivery")).isFalse();
    }

    @Test
    void createsADraftWhenTheBodyAsksForIt() {
        String id = create("""
                {"eventName":"tag_created","target":"http://receiver.example.com/","__STATE__":"DRAFT"}""");
        JsonNode document = call(server.get("/api/webhooks/" + id)).json();
        assertThat(document.get("__STATE__").asText()).isEqualTo("DRAFT");
        assertThat(document.get("hasSecret").asBoolean()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"TRASH\"", "\"DELETED\"", "\"draft\"", "1"})
    void refusesAnyOtherInitialState(String state) {
        CollectionServer.Reply reply = call(server.post("/api/webhooks/", """
                {"eventName":"tag_created","target":"http://receiver.example.com/","__STATE__":%s}""".formatted(state)));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(fields(reply)).containsExactly("__STATE__");
    }

    @Test
    void acceptsThePathWithOrWithoutItsTrailingSlash() {
        assertThat(call(server.post("/api/webhooks", minimal())).status()).isEqualTo(200);
        assertThat(call(server.get("/api/webhooks")).json()).hasSize(1);
        assertThat(call(server.get("/api/webhooks/")).json()).hasSize(1);
    }

    @Test
    void namesEveryInvalidFieldAtOnceInFormOrder() {
        CollectionServer.Reply reply = call(server.post("/api/webhooks/", """
                {"tenantId":"-acme","eventName":"nope","target":"ftp://example.com","secret":"",
                 "proxy":{"url":"http://proxy.example.com/path"},"colour":"blue","createdAt":"x","hasSecret":true}"""));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(fields(reply)).containsExactly("tenantId", "eventName", "target", "secret", "proxy.url",
                "colour", "createdAt", "hasSecret");
        assertThat(reply.json().get("errors")).allSatisfy(error -> assertThat(error.get("message").asText()).isNotBlank());
        assertThat(reply.contentType()).startsWith("application/json");
    }

    @Test
    void refusesABodyThatIsNotJson() {
        CollectionServer.Reply reply = call(server.send("POST", "/api/webhooks/", "text/plain", minimal()));
        assertThat(reply.status()).isEqualTo(415);
        assertThat(reply.json().get("errors").get(0).get("message").asText()).contains("application/json");
        assertThat(call(server.send("POST", "/api/webhooks/", null, minimal())).status()).isEqualTo(415);
        assertThat(call(server.send("POST", "/api/webhooks/", "application/x-www-form-urlencoded", "a=b")).status())
                .isEqualTo(415);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"target\":}", "{} {}", "", "   ", "{\"eventName\":\"a\",\"eventName\":\"b\"}", "nul",
            "{'target':'x'}", "\"unterminated"})
    void answersMalformedJsonWith400AndAMessage(String body) {
        CollectionServer.Reply reply = call(server.post("/api/webhooks/", body));
        assertThat(reply.status()).as(body).isEqualTo(400);
        assertThat(reply.json().get("errors").get(0).get("message").asText()).isNotBlank();
        assertThat(count()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "null", "5", "-1.5e308", "\"text\"", "true", "[{\"target\":\"http://x\"}]",
            "{\"target\":{\"a\":[1,2,{}]}}", "{\"proxy\":[]}", "{\"proxy\":{\"url\":{\"deep\":true}}}",
            "{\"eventName\":null,\"target\":null}", "{\"\":\"\"}", "{\"target\":\"\\u0000\"}",
            "{\"secret\":\"a\\u0000b\",\"eventName\":\"project_created\",\"target\":\"http://x.example\"}",
            "{\"target\":\"http://[::1\"}", "{\"target\":\"http://h:99999/\"}", "{\"base64CA\":\"====\"}",
            "{\"tenantId\":123456789012345678901234567890}"})
    void answersOddJsonBodiesWith400NeverWith5xx(String body) {
        CollectionServer.Reply reply = call(server.post("/api/webhooks/", body));
        assertThat(reply.status()).as(body).isEqualTo(400);
        assertThat(reply.json().get("errors")).isNotEmpty();
    }

    /** Bodies Jackson reads as UTF-32 (three NULs, then a byte) whose characters cannot be decoded. */
    static List<byte[]> undecodableUtf32Bodies() {
        return List.of(new byte[] {0, 0, 0, '{', 0, 0},
                new byte[] {0, 0, 0, '{', 0, 0, 0, '"', 0, 0x11, 0, 0, 0, 0, 0, '"', 0, 0, 0, '}'});
    }

    @ParameterizedTest
    @MethodSource("undecodableUtf32Bodies")
    void answersUndecodableBodiesWith400NamingTheBodyOnEveryEndpointThatReadsOne(byte[] body) {
        String id = create(minimal());
        for (String[] request : new String[][] {{"POST", "/api/webhooks/"}, {"PATCH", "/api/webhooks/" + id},
                {"POST", "/api/webhooks/" + id + "/state"}}) {
            CollectionServer.Reply reply = call(server.sendBytes(request[0], request[1], body));
            assertThat(reply.status()).as(request[0] + " " + request[1]).isEqualTo(400);
            assertThat(reply.json().at("/errors/0/message").asText()).startsWith("the body is not valid JSON");
        }
        assertThat(count()).isOne();
        assertThat(state(id)).isEqualTo("PUBLIC");
    }

    @Test
    void answersDeeplyNestedAndHugeBodiesWithout5xx() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThat(call(server.post("/api/webhooks/", deep)).status()).isEqualTo(400);
        String deepObject = "{\"proxy\":".repeat(5_000) + "1" + "}".repeat(5_000);
        assertThat(call(server.post("/api/webhooks/", deepObject)).status()).isEqualTo(400);
        String longTarget = "{\"eventName\":\"project_created\",\"target\":\"https://example.com/" + "a".repeat(900_000)
                + "\"}";
        CollectionServer.Reply tooLong = call(server.post("/api/webhooks/", longTarget));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(fields(tooLong)).containsExactly("target");
        assertThat(tooLong.body().length()).isLessThan(2_000);
        String huge = "{\"secret\":\"" + "s".repeat(2 * 1024 * 1024) + "\"}";
        assertThat(call(server.post("/api/webhooks/", huge)).status()).isEqualTo(413);
        String manyUnknown = "{" + String.join(",", java.util.stream.IntStream.range(0, 5000)
                .mapToObj(i -> "\"f" + i + "\":1").toList()) + "}";
        CollectionServer.Reply many = call(server.post("/api/webhooks/", manyUnknown));
        assertThat(many.status()).isEqualTo(400);
        assertThat(many.json().get("errors").size()).isLessThanOrEqualTo(WebhookFieldsReader.MAX_ERRORS);
    }

    @Test
    void valuesSealedUnderAnotherKeyAreNamedUndecryptableNeverShownAndKeptThroughAPatch() throws Exception {
        // stored by a host with another key: this host's key cannot open them
        SecretBox otherKey = TestKeys.box();
        String sealedSecret = otherKey.seal(SECRET);
        String sealedProxy = otherKey.seal("http://proxy-user:proxy-password@proxy.example.com:3128");
        String id = create("""
                {"eventName":"project_created","target":"https://receiver.example.com/hook"}""");
        try (Connection connection = dataSource.getConnection();
             var update = connection.prepareStatement("UPDATE webhooks SET secret = ?, proxy_url = ? WHERE id = ?")) {
            update.setString(1, sealedSecret);
            update.setString(2, sealedProxy);
            update.setString(3, id);
            update.executeUpdate();
        }

        CollectionServer.Reply read = call(server.get("/api/webhooks/" + id));
        JsonNode document = read.json();
        assertThat(document.get("hasSecret").asBoolean()).isTrue();
        assertThat(document.has("proxy")).isFalse();
        assertThat(document.get("undecryptable")).extracting(JsonNode::asText).containsExactly("secret", "proxy.url");
        assertThat(read.body()).doesNotContain("\\u0000", "unreadable", SecretBox.PREFIX);
        assertThat(call(server.get("/api/webhooks/")).json().get(0).get("undecryptable")).hasSize(2);

        // editing another field keeps both as they were sealed
        CollectionServer.Reply patched = call(server.patch("/api/webhooks/" + id,
                "{\"$set\":{\"tenantId\":\"acme\"}}"));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().get("tenantId").asText()).isEqualTo("acme");
        assertThat(patched.json().get("undecryptable")).hasSize(2);
        try (Connection connection = dataSource.getConnection();
             var rows = connection.createStatement().executeQuery(
                     "SELECT secret, proxy_url FROM webhooks WHERE id = '" + id + "'")) {
            rows.next();
            assertThat(rows.getString(1)).isEqualTo(sealedSecret);
            assertThat(rows.getString(2)).isEqualTo(sealedProxy);
        }

        // a new secret and proxy replace them, sealed under this host's key
        JsonNode replaced = call(server.patch("/api/webhooks/" + id, """
                {"$set":{"secret":"new-secret","proxy.url":"http://proxy.example.com:3128"}}""")).json();
        assertThat(replaced.has("undecryptable")).isFalse();
        assertThat(replaced.at("/proxy/url").asText()).isEqualTo("http://proxy.example.com:3128");
        assertThat(storedProxy(id)).isEqualTo("http://proxy.example.com:3128");
    }

    @Test
    void aPatchCannotSmuggleTheUndecryptableMarkerInAsASecret() {
        String id = create(minimal());
        CollectionServer.Reply reply = call(server.patch("/api/webhooks/" + id,
                "{\"$set\":{\"secret\":\"\\u0000unreadable\"}}"));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(fields(reply)).containsExactly("secret");
    }

    @Test
    void recordsPublicAsTheAuthorWhenTheRequestNamesNobody() throws Exception {
        try (CollectionServer anonymous = CollectionServer.startAnonymous(
                new WebhooksResource(new WebhookStore(dataSource, TestKeys.box()), validator,
                        TargetHealth.ALWAYS_HEALTHY))) {
            CollectionServer.Reply created = call(anonymous.post("/api/webhooks/", minimal()));
            JsonNode document = call(anonymous.get("/api/webhooks/" + created.json().get("_id").asText())).json();
            assertThat(document.get("creatorId").asText()).isEqualTo("public");
            assertThat(document.get("updaterId").asText()).isEqualTo("public");
        }
    }

    // ---- listing and counting

    @Test
    void listsPublicAndDraftWebhooksByDefaultAndTheStatesNamedByUnderscoreSt() throws Exception {
        String published = create(minimal());
        String draft = create(withState("DRAFT"));
        String trashed = create(minimal());
        move(trashed, "TRASH");
        String deleted = create(minimal());
        move(deleted, "TRASH");
        move(deleted, "DELETED");

        assertThat(ids(call(server.get("/api/webhooks/")))).containsExactly(published, draft);
        assertThat(ids(call(server.get("/api/webhooks/?_st=TRASH")))).containsExactly(trashed);
        assertThat(ids(call(server.get("/api/webhooks/?_st=DELETED,PUBLIC")))).containsExactly(published, deleted);
        assertThat(call(server.get("/api/webhooks/count")).body()).isEqualTo("2");
        assertThat(call(server.get("/api/webhooks/count?_st=PUBLIC,DRAFT,TRASH,DELETED")).body()).isEqualTo("4");
    }

    @Test
    void filtersByEqualityOnTheListedFields() {
        String acme = create("""
                {"tenantId":"acme","projectId":"p1","eventName":"project_created","target":"https://a.example.com/"}""");
        String acmeTag = create("""
                {"tenantId":"acme","eventName":"tag_created","target":"https://b.example.com/"}""");
        String other = create("""
                {"tenantId":"globex","projectId":"p1","eventName":"project_created","target":"https://a.example.com/"}""");

        assertThat(ids(call(server.get("/api/webhooks/?tenantId=acme")))).containsExactly(acme, acmeTag);
        assertThat(ids(call(server.get("/api/webhooks/?projectId=p1&eventName=project_created"))))
                .containsExactly(acme, other);
        assertThat(ids(call(server.get("/api/webhooks/?target=https%3A%2F%2Fb.example.com%2F")))).containsExactly(acmeTag);
        assertThat(ids(call(server.get("/api/webhooks/?_id=" + other)))).containsExactly(other);
        assertThat(ids(call(server.get("/api/webhooks/?creatorId=admin&updaterId=admin")))).hasSize(3);
        assertThat(ids(call(server.get("/api/webhooks/?creatorId=somebody")))).isEmpty();
        assertThat(call(server.get("/api/webhooks/count?tenantId=acme")).json().asLong()).isEqualTo(2);
        assertThat(call(server.get("/api/webhooks/count?tenantId=acme&eventName=tag_created")).json().asLong())
                .isEqualTo(1);
    }

    @Test
    void pagesAndSortsLikeCrudService() {
        String c = create(webhookFor("c", "https://1.example.com/"));
        String a = create(webhookFor("a", "https://3.example.com/"));
        String b = create(webhookFor("b", "https://2.example.com/"));
        String none = create(minimal());

        assertThat(ids(call(server.get("/api/webhooks/")))).containsExactly(c, a, b, none);
        assertThat(ids(call(server.get("/api/webhooks/?_s=tenantId")))).containsExactly(none, a, b, c);
        assertThat(ids(call(server.get("/api/webhooks/?_s=-tenantId")))).containsExactly(c, b, a, none);
        assertThat(ids(call(server.get("/api/webhooks/?_s=-target")))).containsExactly(none, a, b, c);
        assertThat(ids(call(server.get("/api/webhooks/?_s=eventName,-createdAt")))).containsExactly(none, b, a, c);
        assertThat(ids(call(server.get("/api/webhooks/?_s=tenantId&_l=2")))).containsExactly(none, a);
        assertThat(ids(call(server.get("/api/webhooks/?_s=tenantId&_l=2&_sk=2")))).containsExactly(b, c);
        assertThat(ids(call(server.get("/api/webhooks/?_sk=10")))).isEmpty();
        assertThat(call(server.get("/api/webhooks/count?_l=1")).json().asLong()).isEqualTo(4);
    }

    @ParameterizedTest
    @CsvSource({"_q=%7B%7D,_q", "_p=target,_p", "colour=blue,colour", "_l=0,_l", "_l=1001,_l", "_l=ten,_l", "_sk=-1,_sk",
            "_s=secret,_s", "_s=,_s", "_st=GONE,_st", "_st=,_st", "tenantId=a&tenantId=b,tenantId", "secret=x,secret",
            "tenantId=%00,tenantId"})
    void refusesQueryParametersItDoesNotSupportNamingThem(String query, String field) {
        CollectionServer.Reply list = call(server.get("/api/webhooks/?" + query));
        assertThat(list.status()).isEqualTo(400);
        assertThat(fields(list)).containsExactly(field);
        assertThat(call(server.get("/api/webhooks/count?" + query)).status()).isEqualTo(400);
    }

    @Test
    void countsEveryStateAtOnceForTheListsTabs() {
        String acme = create("""
                {"tenantId":"acme","eventName":"tag_created","target":"https://a.example.com/"}""");
        create(minimal());
        create(withState("DRAFT"));
        String trashed = create(minimal());
        move(trashed, "TRASH");
        String deleted = create(minimal());
        move(deleted, "TRASH");
        move(deleted, "DELETED");
        move(acme, "DRAFT");

        CollectionServer.Reply counts = call(server.get("/api/webhooks/count-by-state"));
        assertThat(counts.status()).isEqualTo(200);
        assertThat(counts.body()).isEqualTo("{\"PUBLIC\":1,\"DRAFT\":2,\"TRASH\":1}");
        assertThat(call(server.get("/api/webhooks/count-by-state?_st=DELETED,PUBLIC")).body())
                .isEqualTo("{\"PUBLIC\":1,\"DELETED\":1}");
        assertThat(call(server.get("/api/webhooks/count-by-state?tenantId=acme")).body())
                .as("a state with none is there, with 0").isEqualTo("{\"PUBLIC\":0,\"DRAFT\":1,\"TRASH\":0}");
    }

    @ParameterizedTest
    @CsvSource({"_l=25,_l", "_sk=0,_sk", "_s=-createdAt,_s", "_st=GONE,_st", "_st=,_st", "colour=blue,colour",
            "tenantId=a&tenantId=b,tenantId", "secret=x,secret", "tenantId=%00,tenantId"})
    void refusesWhatACountByStateCannotUseNamingIt(String query, String field) {
        CollectionServer.Reply counts = call(server.get("/api/webhooks/count-by-state?" + query));
        assertThat(counts.status()).isEqualTo(400);
        assertThat(fields(counts)).containsExactly(field);
    }

    // ---- one document

    @ParameterizedTest
    @ValueSource(strings = {"000000000000000000000000", "not-an-id", "ABCDEF0123456789abcdef01", "1234"})
    void answers404ForAWebhookThatDoesNotExistOrAnIdThatIsNotOne(String id) {
        for (CollectionServer.Reply reply : List.of(server.get("/api/webhooks/" + id),
                server.patch("/api/webhooks/" + id, "{\"$set\":{\"target\":\"https://x.example.com/\"}}"),
                server.delete("/api/webhooks/" + id),
                server.post("/api/webhooks/" + id + "/state", "{\"stateTo\":\"DRAFT\"}"))) {
            call(reply);
            assertThat(reply.status()).as(reply.toString()).isEqualTo(404);
            assertThat(reply.json().get("errors").get(0).get("message").asText())
                    .isEqualTo("webhook " + id + " not found");
        }
    }

    @Test
    void findsADeletedWebhookOnlyWhenUnderscoreStNamesIt() throws Exception {
        String id = create(minimal());
        move(id, "TRASH");
        assertThat(call(server.get("/api/webhooks/" + id)).status()).isEqualTo(200);
        move(id, "DELETED");
        assertThat(call(server.get("/api/webhooks/" + id)).status()).isEqualTo(404);
        assertThat(call(server.patch("/api/webhooks/" + id, "{}")).status()).isEqualTo(404);
        assertThat(call(server.delete("/api/webhooks/" + id)).status()).isEqualTo(404);
        assertThat(call(server.get("/api/webhooks/" + id + "?_st=DELETED")).json().get("__STATE__").asText())
                .isEqualTo("DELETED");
        assertThat(call(server.get("/api/webhooks/" + id + "?_st=PUBLIC")).status()).isEqualTo(404);
        assertThat(call(server.get("/api/webhooks/" + id + "?tenantId=x")).status()).isEqualTo(400);
        assertThat(call(server.delete("/api/webhooks/" + id + "?_st=DELETED")).status()).isEqualTo(204);
    }

    @Test
    void deletesForGood() {
        String id = create(minimal());
        assertThat(call(server.delete("/api/webhooks/" + id)).status()).isEqualTo(204);
        assertThat(call(server.get("/api/webhooks/" + id + "?_st=PUBLIC,DRAFT,TRASH,DELETED")).status()).isEqualTo(404);
        assertThat(call(server.delete("/api/webhooks/" + id)).status()).isEqualTo(404);
    }

    @Test
    void showsTheLastDeliveryTheDeliveryEngineRecorded() throws Exception {
        String id = create(minimal());
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().executeUpdate("UPDATE webhooks SET last_delivery_status = 'failed', "
                    + "last_delivery_at = 1732780800000, last_delivery_event = 'project_created', "
                    + "last_delivery_code = 503 WHERE id = '" + id + "'");
        }
        JsonNode last = call(server.get("/api/webhooks/" + id)).json().get("lastDelivery");
        assertThat(last.get("status").asText()).isEqualTo("failed");
        assertThat(last.get("at").asText()).isEqualTo("2024-11-28T08:00:00.000Z");
        assertThat(last.get("eventName").asText()).isEqualTo("project_created");
        assertThat(last.get("statusCode").asInt()).isEqualTo(503);
    }

    @Test
    void showsTheTargetsHealthAndWhyAndWhenTheWebhookWasDisabledUntilItIsPublishedAgain() throws Exception {
        String id = create(minimal());
        JsonNode healthy = call(server.get("/api/webhooks/" + id)).json();
        assertThat(healthy.get("targetHealth").asText()).isEqualTo("healthy");
        assertThat(healthy.has("disabledReason")).isFalse();
        assertThat(healthy.has("disabledAt")).isFalse();
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().executeUpdate("UPDATE webhooks SET state = 'DRAFT', failing_since = 1,"
                    + " disabled_reason = 'Every delivery attempt failed for 5d', disabled_at = 1732780800000"
                    + " WHERE id = '" + id + "'");
        }
        JsonNode disabled = call(server.get("/api/webhooks/" + id)).json();
        assertThat(disabled.get("disabledReason").asText()).isEqualTo("Every delivery attempt failed for 5d");
        assertThat(disabled.get("disabledAt").asText()).isEqualTo("2024-11-28T08:00:00.000Z");
        for (String readOnly : List.of("targetHealth", "disabledReason", "disabledAt")) {
            CollectionServer.Reply refused = call(server.patch("/api/webhooks/" + id,
                    "{\"$set\":{\"" + readOnly + "\":\"x\"}}"));
            assertThat(refused.status()).as(readOnly).isEqualTo(400);
            assertThat(fields(refused)).containsExactly(readOnly);
        }

        move(id, "PUBLIC");
        JsonNode published = call(server.get("/api/webhooks/" + id)).json();
        assertThat(published.has("disabledReason")).isFalse();
        assertThat(published.has("disabledAt")).isFalse();
        try (Connection connection = dataSource.getConnection();
             var rows = connection.createStatement().executeQuery(
                     "SELECT failing_since FROM webhooks WHERE id = '" + id + "'")) {
            rows.next();
            assertThat(rows.getObject(1)).as("the streak of failures starts again").isNull();
        }
    }

    @Test
    void storesAnOptionalRateLimitOfOneToTenThousandPerSecondAndUnsetsIt() {
        String id = create("{\"eventName\":\"tag_created\",\"target\":\"https://a.example.com/\",\"rateLimit\":10000}");
        assertThat(call(server.get("/api/webhooks/" + id)).json().get("rateLimit").asInt()).isEqualTo(10_000);
        assertThat(call(server.get("/api/webhooks/" + create(minimal()))).json().has("rateLimit")).isFalse();

        JsonNode patched = call(server.patch("/api/webhooks/" + id, "{\"$set\":{\"rateLimit\":1}}")).json();
        assertThat(patched.get("rateLimit").asInt()).isEqualTo(1);
        JsonNode unset = call(server.patch("/api/webhooks/" + id, "{\"$unset\":{\"rateLimit\":true}}")).json();
        assertThat(unset.has("rateLimit")).isFalse();
        assertThat(call(server.get("/api/webhooks/" + id)).json().has("rateLimit")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "10001", "2147483648", "1e3", "2.5", "\"50\"", "true", "{}", "[50]"})
    void refusesARateLimitThatIsNotAWholeNumberFromOneToTenThousandNamingIt(String value) {
        String id = create(minimal());
        CollectionServer.Reply created = call(server.post("/api/webhooks/",
                "{\"eventName\":\"tag_created\",\"target\":\"https://a.example.com/\",\"rateLimit\":" + value + "}"));
        assertThat(created.status()).as(value).isEqualTo(400);
        assertThat(fields(created)).containsExactly("rateLimit");
        assertThat(created.json().at("/errors/0/message").asText()).contains("whole number");
        CollectionServer.Reply patched = call(server.patch("/api/webhooks/" + id,
                "{\"$set\":{\"rateLimit\":" + value + "}}"));
        assertThat(patched.status()).as(value).isEqualTo(400);
        assertThat(fields(patched)).containsExactly("rateLimit");
    }

    // ---- PATCH

    @Test
    void patchesWithSetAndUnsetAndAnswersTheUpdatedDocument() {
        String id = create("""
                {"tenantId":"acme","projectId":"p1","eventName":"project_created","target":"https://a.example.com/",
                 "secret":"%s","proxy":{"url":"http://proxy.example.com:3128"}}""".formatted(SECRET));
        JsonNode before = call(server.get("/api/webhooks/" + id)).json();

        CollectionServer.Reply patched = call(server.patch("/api/webhooks/" + id, """
                {"$set":{"target":"https://b.example.com/hook","proxy.url":"http://other-proxy.example.com:8080"},
                 "$unset":{"projectId":true,"secret":true}}"""));
        assertThat(patched.status()).isEqualTo(200);
        JsonNode after = patched.json();
        assertThat(after.get("target").asText()).isEqualTo("https://b.example.com/hook");
        assertThat(after.get("proxy").get("url").asText()).isEqualTo("http://other-proxy.example.com:8080");
        assertThat(after.has("projectId")).isFalse();
        assertThat(after.get("tenantId").asText()).isEqualTo("acme");
        assertThat(after.get("hasSecret").asBoolean()).isFalse();
        assertThat(after.get("createdAt")).isEqualTo(before.get("createdAt"));
        assertThat(Instant.parse(after.get("updatedAt").asText()))
                .isAfterOrEqualTo(Instant.parse(before.get("updatedAt").asText()));
        assertThat(call(server.get("/api/webhooks/" + id)).json()).isEqualTo(after);

        JsonNode withoutProxy = call(server.patch("/api/webhooks/" + id, "{\"$unset\":{\"proxy\":\"\"}}")).json();
        assertThat(withoutProxy.has("proxy")).isFalse();
        JsonNode withSecret = call(server.patch("/api/webhooks/" + id,
                "{\"$set\":{\"secret\":\"" + SECRET + "\",\"proxy\":{\"url\":\"http://p.example.com\"}}}")).json();
        assertThat(withSecret.get("hasSecret").asBoolean()).isTrue();
        assertThat(withSecret.get("proxy").get("url").asText()).isEqualTo("http://p.example.com");
    }

    @Test
    void masksTheProxyCredentialsAndKeepsThemWhenAPatchDoesNotChangeThem() throws Exception {
        String id = create("""
                {"eventName":"project_created","target":"https://a.example.com/",
                 "proxy":{"url":"http://user:proxy-password@proxy.example.com:3128"}}""");
        JsonNode document = call(server.get("/api/webhooks/" + id)).json();
        assertThat(document.get("proxy").get("url").asText()).isEqualTo("http://****@proxy.example.com:3128");

        call(server.patch("/api/webhooks/" + id, "{\"$set\":{\"target\":\"https://b.example.com/\"}}"));
        assertThat(storedProxy(id)).isEqualTo("http://user:proxy-password@proxy.example.com:3128");

        // the UI sends back what it read: the masked user-info stands for the stored one
        call(server.patch("/api/webhooks/" + id,
                "{\"$set\":{\"proxy\":{\"url\":\"http://****@proxy.example.com:3128\"}}}"));
        assertThat(storedProxy(id)).isEqualTo("http://user:proxy-password@proxy.example.com:3128");

        call(server.patch("/api/webhooks/" + id,
                "{\"$set\":{\"proxy.url\":\"http://user:new-password@proxy.example.com:3128\"}}"));
        assertThat(storedProxy(id)).isEqualTo("http://user:new-password@proxy.example.com:3128");
        assertThat(call(server.get("/api/webhooks/?_id=" + id)).body()).doesNotContain("new-password");
    }

    @Test
    void masksATokenOnlyProxyUserInfoInEveryDocument() throws Exception {
        String id = create("""
                {"eventName":"project_created","target":"https://a.example.com/",
                 "proxy":{"url":"http://pr0xy-t0ken@proxy.example.com:3128"}}""");

        CollectionServer.Reply one = call(server.get("/api/webhooks/" + id));
        CollectionServer.Reply list = call(server.get("/api/webhooks/"));
        CollectionServer.Reply patched = call(server.patch("/api/webhooks/" + id,
                "{\"$set\":{\"target\":\"https://b.example.com/\"}}"));

        assertThat(one.json().get("proxy").get("url").asText()).isEqualTo("http://****@proxy.example.com:3128");
        assertThat(patched.json().get("proxy").get("url").asText()).isEqualTo("http://****@proxy.example.com:3128");
        for (CollectionServer.Reply reply : List.of(one, list, patched)) {
            assertThat(reply.body()).doesNotContain("pr0xy-t0ken");
        }
        assertThat(storedProxy(id)).isEqualTo("http://pr0xy-t0ken@proxy.example.com:3128");
    }

    @Test
    void neverCarriesMaskedCredentialsOverToAnotherProxy() throws Exception {
        String id = create("""
                {"eventName":"project_created","target":"https://a.example.com/",
                 "proxy":{"url":"http://pr0xy-t0ken@proxy.example.com:3128"}}""");

        CollectionServer.Reply moved = call(server.patch("/api/webhooks/" + id,
                "{\"$set\":{\"proxy.url\":\"http://****@elsewhere.example.com:3128\"}}"));
        CollectionServer.Reply created = call(server.post("/api/webhooks/", """
                {"eventName":"project_created","target":"https://a.example.com/",
                 "proxy":{"url":"http://****@proxy.example.com:3128"}}"""));

        assertThat(moved.status()).isEqualTo(400);
        assertThat(fields(moved)).containsExactly("proxy.url");
        assertThat(created.status()).isEqualTo(400);
        assertThat(fields(created)).containsExactly("proxy.url");
        assertThat(storedProxy(id)).isEqualTo("http://pr0xy-t0ken@proxy.example.com:3128");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://pr0xy-t0ken@proxy.example.com:3128/path", "ftp://pr0xy-t0ken@proxy.example.com",
            "http://pr0xy-t0ken@proxy.example.com:0", "http://pr0xy-t0ken@proxy.example.com/#x",
            "http://pr0xy-t0ken@", "pr0xy-t0ken@proxy.example.com:3128", "http://user:pr0xy-t0ken@proxy example.com"})
    void doesNotEchoTheCredentialsOfAnInvalidProxyUrl(String url) {
        String body = """
                {"eventName":"project_created","target":"https://a.example.com/","proxy":{"url":"%s"}}""".formatted(url);
        String id = create(minimal());

        CollectionServer.Reply created = call(server.post("/api/webhooks/", body));
        CollectionServer.Reply patched = call(server.patch("/api/webhooks/" + id,
                "{\"$set\":{\"proxy.url\":\"" + url + "\"}}"));

        assertThat(created.status()).isEqualTo(400);
        assertThat(patched.status()).isEqualTo(400);
        assertThat(created.body()).doesNotContain("pr0xy-t0ken");
        assertThat(patched.body()).doesNotContain("pr0xy-t0ken");
    }

    @Test
    void validatesThePatchedDocumentWhole() {
        String id = create("""
                {"eventName":"project_created","target":"https://a.example.com/",
                 "base64CA":"%s"}""".formatted(TestCertificates.base64Pem(TestCertificates.selfSigned("ca"))));
        CollectionServer.Reply reply = call(server.patch("/api/webhooks/" + id,
                "{\"$set\":{\"target\":\"http://a.example.com/\"}}"));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(fields(reply)).containsExactly("base64CA");
        assertThat(call(server.get("/api/webhooks/" + id)).json().get("target").asText())
                .isEqualTo("https://a.example.com/");
    }

    @Test
    void refusesPatchesThatBreakTheRulesNamingEveryField() {
        String id = create(minimal());
        CollectionServer.Reply reply = call(server.patch("/api/webhooks/" + id, """
                {"$set":{"tenantId":5,"proxy.url":"ftp://p","createdAt":"x","__STATE__":"TRASH","colour":"red"},
                 "$unset":{"eventName":true,"target":true,"_id":true},"$inc":{"a":1}}"""));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(fields(reply)).containsExactlyInAnyOrder("tenantId", "proxy.url", "createdAt", "__STATE__",
                "colour", "eventName", "target", "_id", "$inc");
        assertThat(call(server.patch("/api/webhooks/" + id, "{\"$set\":{\"target\":null}}")).status()).isEqualTo(400);
        assertThat(call(server.patch("/api/webhooks/" + id, "[]")).status()).isEqualTo(400);
        assertThat(call(server.patch("/api/webhooks/" + id, "{\"$set\":[]}")).status()).isEqualTo(400);
        assertThat(call(server.send("PATCH", "/api/webhooks/" + id, "text/plain", "{}")).status()).isEqualTo(415);
        assertThat(call(server.patch("/api/webhooks/" + id, "{\"$set\":")).status()).isEqualTo(400);
    }

    // ---- states

    @ParameterizedTest
    @CsvSource({"PUBLIC,DRAFT", "DRAFT,PUBLIC", "PUBLIC,TRASH", "DRAFT,TRASH", "TRASH,DRAFT", "TRASH,DELETED",
            "DELETED,TRASH"})
    void movesAlongTheTransitionsCrudServiceAllows(String from, String to) throws Exception {
        String id = createIn(from);
        CollectionServer.Reply reply = call(server.post("/api/webhooks/" + id + "/state",
                "{\"stateTo\":\"" + to + "\"}"));
        assertThat(reply.status()).isEqualTo(204);
        assertThat(state(id)).isEqualTo(to);
    }

    @ParameterizedTest
    @CsvSource({"PUBLIC,PUBLIC", "PUBLIC,DELETED", "DRAFT,DRAFT", "DRAFT,DELETED", "TRASH,TRASH", "TRASH,PUBLIC",
            "DELETED,DELETED", "DELETED,PUBLIC", "DELETED,DRAFT"})
    void refusesTheTransitionsCrudServiceForbidsNamingThem(String from, String to) throws Exception {
        String id = createIn(from);
        CollectionServer.Reply reply = call(server.post("/api/webhooks/" + id + "/state",
                "{\"stateTo\":\"" + to + "\"}"));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(fields(reply)).containsExactly("stateTo");
        assertThat(reply.json().get("errors").get(0).get("message").asText()).contains(from).contains(to);
        assertThat(state(id)).isEqualTo(from);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"stateTo\":\"GONE\"}", "{\"stateTo\":1}", "[]", "{\"stateTo\":\"DRAFT\",\"x\":1}",
            "{\"stateTo\":null}"})
    void refusesAStateChangeThatIsNotOne(String body) {
        String id = create(minimal());
        CollectionServer.Reply reply = call(server.post("/api/webhooks/" + id + "/state", body));
        assertThat(reply.status()).as(body).isEqualTo(400);
        assertThat(state(id)).isEqualTo("PUBLIC");
    }

    @Test
    void recordsWhoChangedTheStateAndWhen() throws Exception {
        String id = create(minimal());
        String createdAt = call(server.get("/api/webhooks/" + id)).json().get("updatedAt").asText();
        move(id, "DRAFT");
        JsonNode document = call(server.get("/api/webhooks/" + id)).json();
        assertThat(Instant.parse(document.get("updatedAt").asText())).isAfterOrEqualTo(Instant.parse(createdAt));
        assertThat(document.get("updaterId").asText()).isEqualTo("admin");
    }

    // ---- the event catalog beside the collection

    @Test
    void servesTheEventCatalogBesideTheCollection() {
        CollectionServer.Reply reply = call(server.get("/api/webhooks/events"));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json()).hasSize(9);
        assertThat(reply.json().get(0).get("name").asText()).isEqualTo("project_created");
        assertThat(reply.json()).allSatisfy(event -> assertThat(event.fieldNames()).toIterable()
                .containsExactly("name", "description", "schema", "example"));
    }

    // ---- helpers

    private CollectionServer.Reply call(CollectionServer.Reply reply) {
        replies.add(reply);
        assertThat(reply.status()).as(reply.toString()).isLessThan(500);
        return reply;
    }

    private String create(String json) {
        CollectionServer.Reply reply = call(server.post("/api/webhooks/", json));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json().get("_id").asText();
    }

    private String createIn(String state) {
        return switch (state) {
            case "PUBLIC" -> create(minimal());
            case "DRAFT" -> create(withState("DRAFT"));
            case "TRASH" -> {
                String id = create(minimal());
                move(id, "TRASH");
                yield id;
            }
            default -> {
                String id = createIn("TRASH");
                move(id, "DELETED");
                yield id;
            }
        };
    }

    private void move(String id, String state) {
        CollectionServer.Reply reply = call(server.post("/api/webhooks/" + id + "/state",
                "{\"stateTo\":\"" + state + "\"}"));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(204);
    }

    private String state(String id) {
        return call(server.get("/api/webhooks/" + id + "?_st=PUBLIC,DRAFT,TRASH,DELETED")).json().get("__STATE__")
                .asText();
    }

    private long count() {
        return call(server.get("/api/webhooks/count?_st=PUBLIC,DRAFT,TRASH,DELETED")).json().asLong();
    }

    /** The proxy URL as stored, sealed; opened here so that a test can tell which credentials were kept. */
    private String storedProxy(String id) throws Exception {
        try (Connection connection = dataSource.getConnection();
             var rows = connection.createStatement().executeQuery(
                     "SELECT proxy_url FROM webhooks WHERE id = '" + id + "'")) {
            rows.next();
            assertThat(rows.getString(1)).startsWith(SecretBox.PREFIX);
            return secrets.open(rows.getString(1));
        }
    }

    private static String minimal() {
        return "{\"eventName\":\"project_created\",\"target\":\"https://receiver.example.com/hook\"}";
    }

    private static String withState(String state) {
        return "{\"eventName\":\"project_created\",\"target\":\"https://receiver.example.com/hook\",\"__STATE__\":\""
                + state + "\"}";
    }

    private static String webhookFor(String tenant, String target) {
        return "{\"tenantId\":\"" + tenant + "\",\"eventName\":\"tag_created\",\"target\":\"" + target + "\"}";
    }

    private static List<String> ids(CollectionServer.Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        reply.json().forEach(document -> ids.add(document.get("_id").asText()));
        return ids;
    }

    private static List<String> fields(CollectionServer.Reply reply) {
        List<String> fields = new ArrayList<>();
        reply.json().get("errors").forEach(error -> fields.add(error.path("field").asText(null)));
        return fields;
    }
}
