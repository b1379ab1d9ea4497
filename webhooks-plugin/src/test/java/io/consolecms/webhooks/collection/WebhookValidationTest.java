package io.consolecms.webhooks.collection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consolecms.webhooks.catalog.EventCatalog;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookValidationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WebhookValidator VALIDATOR = new WebhookValidator(EventCatalog.standard());
    private static final X509Certificate CA = TestCertificates.selfSigned("Test CA");
    private static final X509Certificate OTHER_CA = TestCertificates.selfSigned("Other CA");

    @AfterAll
    static void closeValidator() {
        VALIDATOR.close();
    }

    @Test
    void acceptsAMinimalWebhook() {
        assertThat(errors(minimal())).isEmpty();
    }

    @Test
    void acceptsEveryFieldWhenEachFollowsItsRule() {
        ObjectNode webhook = minimal()
                .put("tenantId", "acme")
                .put("projectId", "checkout.v2_eu-1")
                .put("base64CA", TestCertificates.base64Pem(CA, OTHER_CA))
                .put("secret", "s".repeat(256))
                .put("__STATE__", "DRAFT");
        webhook.putObject("proxy").put("url", "http://user:p%40ss@proxy.example.com:3128/");
        NewWebhook read = NewWebhook.read(webhook, VALIDATOR);
        assertThat(read.errors()).isEmpty();
        assertThat(read.state()).isEqualTo(WebhookState.DRAFT);
        assertThat(read.input().proxy().url()).isEqualTo("http://user:p%40ss@proxy.example.com:3128/");
        assertThat(read.input().secret()).hasSize(256);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "acme", "Acme.Corp_1-x", "0", "a123456789012345678901234567890123456789012345678901234567890123"})
    void acceptsIdentifiersOfTheContract(String identifier) {
        assertThat(errors(minimal().put("tenantId", identifier).put("projectId", identifier))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "-acme", ".acme", "_acme", "ac me", "acme/1", "äcme", "acme\n",
            "a1234567890123456789012345678901234567890123456789012345678901234"})
    void refusesOtherIdentifiers(String identifier) {
        assertThat(errors(minimal().put("tenantId", identifier).put("projectId", identifier)))
                .containsExactly(Map.entry("tenantId", WebhookInput.IDENTIFIER_MESSAGE),
                        Map.entry("projectId", WebhookInput.IDENTIFIER_MESSAGE));
    }

    @Test
    void requiresAnEventOfTheCatalog() {
        assertThat(errors(minimal().put("eventName", "project_deleted")))
                .containsExactly(Map.entry("eventName", "must be an event of the catalog (GET /api/webhooks/events)"));
        assertThat(errors(minimal().put("eventName", ""))).containsOnlyKeys("eventName");
        ObjectNode withoutEvent = minimal();
        withoutEvent.remove("eventName");
        assertThat(errors(withoutEvent)).containsExactly(Map.entry("eventName", "is required"));
        assertThat(errors(minimal().putNull("eventName"))).containsExactly(Map.entry("eventName", "is required"));
        for (String event : EventCatalog.standard().names()) {
            assertThat(errors(minimal().put("eventName", event))).as(event).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com", "https://example.com/", "HTTPS://Example.COM:8443/a/b?c=d&e=f",
            "http://127.0.0.1:8080/hook", "http://[::1]:9000/", "https://hooks.example.com/console/webhook?token=abc"})
    void acceptsAbsoluteHttpTargets(String target) {
        assertThat(errors(minimal().put("target", target))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "example.com", "/relative/path", "ftp://example.com/", "mailto:a@example.com",
            "https://", "https:///path", "http://exa mple.com/", "https://user:password@example.com/",
            "https://token@example.com/", "https://example.com/#fragment", "https://example.com/#", "http://h:99999/",
            "http://h:0/", "javascript:alert(1)", "file:///etc/passwd", "https://example.com/\u0000"})
    void refusesOtherTargets(String target) {
        Map<String, String> errors = errors(minimal().put("target", target));
        assertThat(errors).containsOnlyKeys("target");
        assertThat(errors.get("target")).startsWith("must");
    }

    @Test
    void explainsWhatIsWrongWithATarget() {
        assertThat(errors(minimal().put("target", "ftp://example.com")).get("target"))
                .contains("absolute http or https URL");
        assertThat(errors(minimal().put("target", "https://u:p@example.com")).get("target"))
                .contains("user name or password");
        assertThat(errors(minimal().put("target", "https://example.com/#x")).get("target")).contains("fragment");
        assertThat(errors(minimal().put("target", "https://example.com/" + "a".repeat(2048))).get("target"))
                .isEqualTo("must be at most 2048 characters");
        assertThat(errors(minimal().put("target", "https://example.com/" + "a".repeat(2048 - 20)))).isEmpty();
        ObjectNode withoutTarget = minimal();
        withoutTarget.remove("target");
        assertThat(errors(withoutTarget)).containsExactly(Map.entry("target", "is required"));
    }

    @Test
    void acceptsCertificatesAsBase64OfPemOrDer() {
        assertThat(errors(minimal().put("base64CA", TestCertificates.base64Pem(CA)))).isEmpty();
        assertThat(errors(minimal().put("base64CA", TestCertificates.base64Pem(CA, OTHER_CA)))).isEmpty();
        assertThat(errors(minimal().put("base64CA", TestCertificates.base64Der(CA)))).isEmpty();
        String wrapped = Base64.getMimeEncoder().encodeToString(TestCertificates.pem(CA).getBytes());
        assertThat(errors(minimal().put("base64CA", wrapped))).isEmpty();
    }

    @Test
    void refusesWhatIsNotBase64OfCertificates() {
        String notBase64 = TestCertificates.pem(CA);
        String garbage = Base64.getEncoder().encodeToString("not a certificate".getBytes());
        String tooLarge = Base64.getEncoder().encodeToString(
                TestCertificates.pem(java.util.Collections.nCopies(200, CA).toArray(X509Certificate[]::new)).getBytes());
        for (String value : List.of(notBase64, garbage, "", "@@@@", tooLarge)) {
            assertThat(errors(minimal().put("base64CA", value))).as(value).containsOnlyKeys("base64CA");
        }
        assertThat(errors(minimal().put("base64CA", tooLarge)).get("base64CA")).contains("64 KiB");
    }

    @Test
    void acceptsCertificatesOnlyWithAnHttpsTarget() {
        Map<String, String> errors = errors(minimal().put("target", "http://example.com/")
                .put("base64CA", TestCertificates.base64Pem(CA)));
        assertThat(errors).containsOnlyKeys("base64CA");
        assertThat(errors.get("base64CA")).contains("https");
        // an invalid target is reported on its own, not as a contradiction
        assertThat(errors(minimal().put("target", "ftp://example.com/").put("base64CA", TestCertificates.base64Pem(CA))))
                .containsOnlyKeys("target");
    }

    @Test
    void acceptsSecretsOfOneTo256Characters() {
        assertThat(errors(minimal().put("secret", "x"))).isEmpty();
        assertThat(errors(minimal().put("secret", "It's a Secret to Everybody ✓"))).isEmpty();
        assertThat(errors(minimal().put("secret", "x".repeat(256)))).isEmpty();
        assertThat(errors(minimal().put("secret", ""))).containsExactly(Map.entry("secret", "must be 1 to 256 characters"));
        assertThat(errors(minimal().put("secret", "x".repeat(257)))).containsOnlyKeys("secret");
        assertThat(errors(minimal().put("secret", "a\u0000b"))).containsOnlyKeys("secret");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://proxy.example.com", "http://proxy.example.com:3128", "https://proxy.example.com/",
            "http://user:password@proxy.example.com:3128", "http://user@10.0.0.1:8080"})
    void acceptsProxyUrls(String url) {
        ObjectNode webhook = minimal();
        webhook.putObject("proxy").put("url", url);
        assertThat(errors(webhook)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "proxy.example.com:3128", "socks5://proxy.example.com", "http://proxy.example.com/path",
            "http://proxy.example.com/?a=b", "http://proxy.example.com/#x", "http://", "http://proxy.example.com:70000"})
    void refusesOtherProxyUrls(String url) {
        ObjectNode webhook = minimal();
        webhook.putObject("proxy").put("url", url);
        assertThat(errors(webhook)).containsOnlyKeys("proxy.url");
    }

    @Test
    void readsTheProxyAsAnObjectWithOnlyAUrl() {
        ObjectNode empty = minimal();
        empty.putObject("proxy");
        assertThat(errors(empty)).containsOnlyKeys("proxy.url");
        ObjectNode extra = minimal();
        extra.putObject("proxy").put("url", "http://proxy.example.com").put("port", 3128);
        assertThat(errors(extra)).containsOnlyKeys("proxy.port");
        assertThat(errors(minimal().put("proxy", "http://proxy.example.com"))).containsOnlyKeys("proxy");
        assertThat(errors(minimal().putNull("proxy"))).isEmpty();
        ObjectNode wrongType = minimal();
        wrongType.putObject("proxy").put("url", 3128);
        assertThat(errors(wrongType)).containsExactly(Map.entry("proxy.url", "must be a string"));
    }

    @Test
    void reportsAMemberOfTheWrongTypeOnceAsSuch() {
        ObjectNode webhook = JSON.createObjectNode().put("target", 5).put("eventName", true).put("tenantId", 1.5);
        webhook.putArray("secret").add("x");
        webhook.putObject("projectId");
        assertThat(errors(webhook)).containsExactly(Map.entry("tenantId", "must be a string"),
                Map.entry("projectId", "must be a string"), Map.entry("eventName", "must be a string"),
                Map.entry("target", "must be a string"), Map.entry("secret", "must be a string"));
    }

    @Test
    void refusesUnknownAndReadOnlyMembers() {
        ObjectNode webhook = minimal().put("colour", "blue").put("proxy.url", "http://proxy.example.com");
        for (String readOnly : List.of("_id", "createdAt", "updatedAt", "creatorId", "updaterId", "hasSecret",
                "lastDelivery")) {
            webhook.put(readOnly, "x");
        }
        Map<String, String> errors = errors(webhook);
        assertThat(errors).containsOnlyKeys("colour", "proxy.url", "_id", "createdAt", "updatedAt", "creatorId",
                "updaterId", "hasSecret", "lastDelivery");
        assertThat(errors.get("colour")).isEqualTo("is not a field of a webhook");
        assertThat(errors.get("_id")).isEqualTo("is read-only");
    }

    @Test
    void namesSeveralInvalidFieldsAtOnceInFormOrder() {
        ObjectNode webhook = JSON.createObjectNode().put("secret", "").put("target", "https://u:p@x.example")
                .put("tenantId", "-").put("eventName", "nope").put("base64CA", "!!");
        webhook.putObject("proxy").put("url", "ftp://proxy");
        assertThat(errors(webhook).keySet()).containsExactly("tenantId", "eventName", "target", "base64CA", "secret",
                "proxy.url");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "null", "5", "\"webhook\"", "true"})
    void refusesABodyThatIsNotAnObject(String body) throws Exception {
        NewWebhook read = NewWebhook.read(JSON.readTree(body), VALIDATOR);
        assertThat(read.errors()).containsExactly(FieldError.ofRequest("the body must be a JSON object"));
    }

    @Test
    void readsAPatchWithDotPathsAndWholeMembers() throws Exception {
        Webhook stored = new Webhook("0123456789abcdef01234567", "acme", "p1", "project_created",
                "https://a.example.com/", null, "secret", "http://u:pw@proxy.example.com", WebhookState.PUBLIC, 1, 1,
                "admin", "admin", null, null, null);
        WebhookPatch patch = WebhookPatch.read(JSON.readTree("""
                {"$set":{"proxy.url":"http://****@proxy.example.com","eventName":"tag_created"},
                 "$unset":{"projectId":true}}"""));
        assertThat(patch.errors()).isEmpty();
        WebhookInput patched = patch.applyTo(stored);
        assertThat(patched.proxy().url()).isEqualTo("http://u:pw@proxy.example.com");
        assertThat(patched.eventName()).isEqualTo("tag_created");
        assertThat(patched.projectId()).isNull();
        assertThat(patched.tenantId()).isEqualTo("acme");
        assertThat(patched.secret()).isEqualTo("secret");

        WebhookPatch unsetProxy = WebhookPatch.read(JSON.readTree("{\"$unset\":{\"proxy\":true}}"));
        assertThat(unsetProxy.applyTo(stored).proxy()).isNull();
        WebhookPatch otherProxy = WebhookPatch.read(JSON.readTree(
                "{\"$set\":{\"proxy\":{\"url\":\"http://****@proxy.example.com:3128\"}}}"));
        assertThat(otherProxy.applyTo(stored).proxy().url()).isEqualTo("http://****@proxy.example.com:3128");
        assertThat(patch.toString()).doesNotContain("****", "tag_created");
    }

    @Test
    void refusesPatchesThatAreNotSetAndUnset() throws Exception {
        assertThat(patchErrors("{\"$set\":{\"target\":\"x\"},\"$unset\":{\"target\":true}}")).containsOnlyKeys("target");
        assertThat(patchErrors("{\"$unset\":{\"eventName\":1,\"secret\":1}}"))
                .containsExactly(Map.entry("eventName", "is required and cannot be unset"));
        assertThat(patchErrors("{\"$push\":{},\"target\":\"x\"}")).containsOnlyKeys("$push", "target");
        assertThat(patchErrors("{\"$set\":{\"__STATE__\":\"DRAFT\"}}")).containsOnlyKeys("__STATE__");
        assertThat(patchErrors("{\"$unset\":{\"hasSecret\":true,\"nope\":true}}")).containsOnlyKeys("hasSecret", "nope");
        assertThat(patchErrors("{\"$set\":5,\"$unset\":\"x\"}")).containsOnlyKeys("$set", "$unset");
        assertThat(patchErrors("{\"$set\":{\"proxy\":null,\"proxy.url\":\"http://p.example.com\"}}"))
                .containsOnlyKeys("proxy");
        assertThat(patchErrors("{}")).isEmpty();
    }

    @Test
    void neverPrintsTheSecretOrTheProxyPassword() {
        Webhook webhook = new Webhook("0123456789abcdef01234567", null, null, "project_created",
                "https://a.example.com/?token=t0ken", null, "the-secret", "http://u:pw-secret@proxy.example.com",
                WebhookState.PUBLIC, 1, 1, "admin", "admin", null, null, null);
        assertThat(webhook.toString()).doesNotContain("the-secret", "pw-secret", "t0ken");
        assertThat(webhook.input().toString()).doesNotContain("the-secret", "pw-secret");
        assertThat(webhook.input().proxy().toString()).doesNotContain("pw-secret").contains("http://****@");
        Webhook tokenOnly = new Webhook("0123456789abcdef01234567", null, null, "project_created",
                "https://a.example.com/", null, null, "http://t0ken-only@proxy.example.com", WebhookState.PUBLIC, 1, 1,
                "admin", "admin", null, null, null);
        assertThat(tokenOnly.input().proxy().toString()).doesNotContain("t0ken-only").contains("http://****@");
    }

    private static Map<String, String> patchErrors(String json) throws Exception {
        return asMap(WebhookPatch.read(JSON.readTree(json)).errors());
    }

    private static ObjectNode minimal() {
        return JSON.createObjectNode().put("eventName", "project_created").put("target", "https://example.com/hook");
    }

    /** The problems of a create body, field to message, in the order answered. */
    private static Map<String, String> errors(JsonNode body) {
        return asMap(NewWebhook.read(body, VALIDATOR).errors());
    }

    private static Map<String, String> asMap(List<FieldError> errors) {
        Map<String, String> byField = new java.util.LinkedHashMap<>();
        errors.forEach(error -> assertThat(byField.put(error.field(), error.message())).as("twice: " + error).isNull());
        return byField;
    }
}
