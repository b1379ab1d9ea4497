package io.consolecms.it.webhooks;

import static io.consolecms.it.webhooks.CircuitBreakerIT.health;
import static io.consolecms.it.webhooks.WebhooksLifecycleIT.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.consolecms.it.Api;
import io.consolecms.it.HostProcess;
import io.consolecms.it.Receiver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webhook whose every delivery fails for {@code CMS_WEBHOOKS_DISABLE_AFTER} moves to DRAFT with its reason, even
 * while its target's breaker is open (so no attempt is being made), with a WARN naming it and not its target;
 * publishing it again clears the reason and gives it the whole period again.
 */
class AutoDisableIT {

    @TempDir
    Path tmp;

    @Test
    void aWebhookFailingForTheSettingIsMovedToDraftWithItsReasonAndPublishingClearsIt() throws Exception {
        try (Receiver receiver = Receiver.start(null).answer(503);
             HostProcess host = HostProcess.withWebhooksPlugin(tmp)
                     .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                     .env("CMS_WEBHOOKS_DISABLE_AFTER", "4s")
                     .env("CMS_WEBHOOKS_BREAKER_FAILURES", "2")
                     .env("CMS_WEBHOOKS_BREAKER_COOLDOWN", "10m")
                     .env("CMS_WEBHOOKS_RETRY_SCHEDULE", "200ms,200ms,200ms,200ms,200ms")) {
            host.start();
            Api api = host.api();
            String target = receiver.url("/hook?token=t0ken-in-the-target");
            String webhook = create(api, "{\"eventName\":\"tag_created\",\"target\":\"" + target + "\"}");
            Instant firstFailure = Instant.now();
            for (int i = 0; i < 3; i++) {
                assertThat(api.publish("{\"eventName\":\"tag_created\",\"eventTimestamp\":" + i
                        + ",\"payload\":{\"tenantId\":\"acme\",\"tagName\":\"v" + i + "\"}}").status()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> health(api, webhook).equals("open"));
            int attempts = receiver.requests().size();

            await().atMost(Duration.ofSeconds(20)).until(() -> state(api, webhook).equals("DRAFT"));
            Instant disabled = Instant.now();
            JsonNode document = api.get("/api/webhooks/" + webhook).json();
            assertThat(document.path("disabledReason").asText()).contains("failed for 4s", "DRAFT");
            Instant disabledAt = Instant.parse(document.path("disabledAt").asText());
            assertThat(disabledAt).isBetween(firstFailure.plusSeconds(4), disabled);
            assertThat(Duration.between(firstFailure, disabledAt)).as("within a minute of failing for 4 s")
                    .isLessThan(Duration.ofSeconds(4 + 60));
            assertThat(receiver.requests()).as("the breaker stayed open: no attempt was needed to disable it")
                    .hasSize(attempts);
            String log = host.logText();
            assertThat(log).containsPattern("WARN .*Webhook " + webhook + " moved to DRAFT");
            assertThat(log).doesNotContain("t0ken-in-the-target");
            Api.Reply edit = api.patch("/api/webhooks/" + webhook, "{\"$set\":{\"disabledReason\":\"no\"}}");
            assertThat(edit.status()).as("the reason is read-only").isEqualTo(400);

            receiver.answer(200);
            assertThat(api.post("/api/webhooks/" + webhook + "/state", "{\"stateTo\":\"PUBLIC\"}").status())
                    .isEqualTo(204);
            JsonNode published = api.get("/api/webhooks/" + webhook).json();
            assertThat(published.path("__STATE__").asText()).isEqualTo("PUBLIC");
            assertThat(published.has("disabledReason")).isFalse();
            assertThat(published.has("disabledAt")).isFalse();
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7))
                    .until(() -> state(api, webhook).equals("PUBLIC"));
        }
    }

    private static String state(Api api, String webhook) {
        return api.get("/api/webhooks/" + webhook).json().path("__STATE__").asText();
    }
}
