package io.consolecms.webhooks.collection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.consolecms.webhooks.Migrations;
import io.consolecms.webhooks.catalog.EventCatalog;
import io.consolecms.webhooks.secrets.SecretBox;
import io.consolecms.webhooks.secrets.TestKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code POST /api/webhooks/{id}/secret}: rotation with an overlap, its validation, and secrets kept sealed. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookSecretResourceTest {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private static final String OLD = "old-secret-that-must-never-leave";
    private static final String NEW = "new-secret-that-must-never-leave";

    private JdbcDataSource dataSource;
    private WebhookValidator validator;
    private CollectionServer server;
    private final SecretBox secrets = TestKeys.box();
    private final List<CollectionServer.Reply> replies = new ArrayList<>();

    @BeforeAll
    void startServer() throws Exception {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Migrations.migrate(dataSource);
        validator = new WebhookValidator(EventCatalog.standard());
        WebhookStore store = new WebhookStore(dataSource, secrets);
        server = CollectionServer.start(new WebhooksResource(store, validator, TargetHealth.ALWAYS_HEALTHY),
                new WebhookSecretResource(store, validator, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    @AfterAll
    void stopServer() {
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

    @AfterEach
    void noAnswerCarriedASecret() {
        assertThat(replies).allSatisfy(reply -> assertThat(reply.body()).doesNotContain(OLD, NEW));
    }

    @Test
    void rotatesKeepingTheReplacedSecretSealedUntilTheOverlapEnds() throws Exception {
        String id = create(OLD);

        CollectionServer.Reply reply = call(server.post("/api/webhooks/" + id + "/secret",
                "{\"secret\":\"" + NEW + "\",\"keepPreviousFor\":\"24h\"}"));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.json().get("_id").asText()).isEqualTo(id);
        assertThat(reply.json().get("hasSecret").asBoolean()).isTrue();
        assertThat(reply.json().get("previousSecretUntil").asText()).isEqualTo("2026-12-01T10:00:00.000Z");
        Stored stored = stored(id);
        assertThat(stored.secret()).startsWith(SecretBox.PREFIX);
        assertThat(stored.previous()).startsWith(SecretBox.PREFIX);
        assertThat(secrets.open(stored.secret())).isEqualTo(NEW);
        assertThat(secrets.open(stored.previous())).isEqualTo(OLD);
        assertThat(stored.previousUntil()).isEqualTo(NOW.plus(Duration.ofHours(24)).toEpochMilli());
        JsonNode document = call(server.get("/api/webhooks/" + id)).json();
        assertThat(document.get("hasSecret").asBoolean()).isTrue();
        assertThat(document.get("updatedAt").asText()).isEqualTo("2026-11-30T10:00:00.000Z");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",\"keepPreviousFor\":\"0\"", ",\"keepPreviousFor\":null", ",\"keepPreviousFor\":0"})
    void replacesTheSecretAtOnceWithoutAnOverlap(String keep) throws Exception {
        String id = create(OLD);

        CollectionServer.Reply reply = call(server.post("/api/webhooks/" + id + "/secret",
                "{\"secret\":\"" + NEW + "\"" + keep + "}"));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.json().has("previousSecretUntil")).isFalse();
        Stored stored = stored(id);
        assertThat(secrets.open(stored.secret())).isEqualTo(NEW);
        assertThat(stored.previous()).isNull();
        assertThat(stored.previousUntil()).isNull();
    }

    @Test
    void keepsNoPreviousSecretWhenTheWebhookHadNone() throws Exception {
        String id = create(null);

        CollectionServer.Reply reply = call(server.post("/api/webhooks/" + id + "/secret",
                "{\"secret\":\"" + NEW + "\",\"keepPreviousFor\":\"7d\"}"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().has("previousSecretUntil")).isFalse();
        assertThat(stored(id).previous()).isNull();
        assertThat(stored(id).previousUntil()).isNull();
    }

    @Test
    void aSecondRotationKeepsOnlyTheSecretItReplaces() throws Exception {
        String id = create("first-secret");
        call(server.post("/api/webhooks/" + id + "/secret", "{\"secret\":\"" + OLD + "\",\"keepPreviousFor\":\"1h\"}"));

        call(server.post("/api/webhooks/" + id + "/secret", "{\"secret\":\"" + NEW + "\",\"keepPreviousFor\":\"30m\"}"));

        Stored stored = stored(id);
        assertThat(secrets.open(stored.secret())).isEqualTo(NEW);
        assertThat(secrets.open(stored.previous())).isEqualTo(OLD);
        assertThat(stored.previousUntil()).isEqualTo(NOW.plus(Duration.ofMinutes(30)).toEpochMilli());
    }

    @Test
    void aSecretSetByPatchTakesOverAtOnceEndingTheOverlap() throws Exception {
        String id = create(OLD);
        call(server.post("/api/webhooks/" + id + "/secret", "{\"secret\":\"" + NEW + "\",\"keepPreviousFor\":\"1h\"}"));

        call(server.patch("/api/webhooks/" + id, "{\"$set\":{\"target\":\"https://other.example.com/\"}}"));
        assertThat(stored(id).previous()).isNotNull();

        call(server.patch("/api/webhooks/" + id, "{\"$set\":{\"secret\":\"a-third-secret\"}}"));
        assertThat(stored(id).previous()).isNull();
        assertThat(stored(id).previousUntil()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}|secret|is required",
        "{\"secret\":null}|secret|is required",
        "{\"secret\":\"\"}|secret|must be 1 to 256 characters",
        "{\"secret\":42}|secret|must be a string",
        "{\"secret\":\"whsec_not base64!\"}|secret|starts with whsec_",
        "{\"secret\":\"whsec_\"}|secret|starts with whsec_",
        "{\"secret\":\"ok\",\"keepPreviousFor\":\"24x\"}|keepPreviousFor|must be a duration such as",
        "{\"secret\":\"ok\",\"keepPreviousFor\":\"-1h\"}|keepPreviousFor|must be a duration such as",
        "{\"secret\":\"ok\",\"keepPreviousFor\":\"1.5h\"}|keepPreviousFor|must be a duration such as",
        "{\"secret\":\"ok\",\"keepPreviousFor\":\"\"}|keepPreviousFor|must be a duration such as",
        "{\"secret\":\"ok\",\"keepPreviousFor\":true}|keepPreviousFor|must be a duration such as",
        "{\"secret\":\"ok\",\"keepPreviousFor\":\"31d\"}|keepPreviousFor|must be at most 30d",
        "{\"secret\":\"ok\",\"keepPreviousFor\":\"99999999999h\"}|keepPreviousFor|must be a duration such as",
        "{\"secret\":\"ok\",\"colour\":\"blue\"}|colour|is not a member of a secret rotation",
    })
    void namesTheProblemOfAnInvalidRotation(String body, String field, String message) throws Exception {
        String id = create(OLD);

        CollectionServer.Reply reply = call(server.post("/api/webhooks/" + id + "/secret", body));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.contentType()).startsWith("application/json");
        JsonNode error = reply.json().get("errors").get(0);
        assertThat(error.get("field").asText()).isEqualTo(field);
        assertThat(error.get("message").asText()).contains(message);
        assertThat(secrets.open(stored(id).secret())).isEqualTo(OLD);
    }

    @Test
    void namesEveryProblemAtOnce() {
        String id = create(OLD);

        CollectionServer.Reply reply = call(server.post("/api/webhooks/" + id + "/secret",
                "{\"secret\":\"\",\"keepPreviousFor\":\"forever\",\"x\":1}"));

        assertThat(reply.status()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        reply.json().get("errors").forEach(error -> fields.add(error.get("field").asText()));
        assertThat(fields).containsExactly("secret", "keepPreviousFor", "x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"secret\"", "null", "{\"secret\":", "not json"})
    void answersABodyThatIsNotARotationWith400(String body) {
        String id = create(OLD);

        CollectionServer.Reply reply = call(server.post("/api/webhooks/" + id + "/secret", body));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.json().get("errors").get(0).get("message").asText()).isNotBlank();
    }

    @Test
    void answers404ForAWebhookThatDoesNotExistIsDeletedOrAnIdThatIsNotOne() {
        String deleted = create(OLD);
        call(server.post("/api/webhooks/" + deleted + "/state", "{\"stateTo\":\"TRASH\"}"));
        call(server.post("/api/webhooks/" + deleted + "/state", "{\"stateTo\":\"DELETED\"}"));

        for (String id : List.of("0123456789abcdef01234567", "nope", deleted)) {
            CollectionServer.Reply reply = call(server.post("/api/webhooks/" + id + "/secret",
                    "{\"secret\":\"" + NEW + "\"}"));
            assertThat(reply.status()).as(id).isEqualTo(404);
            assertThat(reply.json().get("errors").get(0).get("message").asText()).contains("not found");
        }
    }

    @Test
    void theCollectionRefusesAWhsecSecretThatIsNotBase64AndAcceptsOneThatIs() {
        CollectionServer.Reply refused = call(server.post("/api/webhooks/", """
                {"eventName":"project_created","target":"https://receiver.example.com/","secret":"whsec_%%%"}"""));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asText()).isEqualTo("secret");

        CollectionServer.Reply accepted = call(server.post("/api/webhooks/", """
                {"eventName":"project_created","target":"https://receiver.example.com/",
                 "secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}"""));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
    }

    private String create(String secret) {
        String body = "{\"eventName\":\"project_created\",\"target\":\"https://receiver.example.com/hook\""
                + (secret == null ? "" : ",\"secret\":\"" + secret + "\"") + "}";
        CollectionServer.Reply reply = call(server.post("/api/webhooks/", body));
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        return reply.json().get("_id").asText();
    }

    private CollectionServer.Reply call(CollectionServer.Reply reply) {
        replies.add(reply);
        return reply;
    }

    private record Stored(String secret, String previous, Long previousUntil) {
    }

    private Stored stored(String id) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT secret, previous_secret, previous_secret_until FROM webhooks WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                long until = rows.getLong(3);
                return new Stored(rows.getString(1), rows.getString(2), rows.wasNull() ? null : until);
            }
        }
    }
}
