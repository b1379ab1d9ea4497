package io.consolecms.it.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consolecms.it.Api;
import io.consolecms.it.HostProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;

/**
 * The list shows, in a real browser against the real host, a webhook whose target's circuit breaker opened and that was
 * then disabled automatically: the breaker's badge, and the disabled badge with its reason.
 */
class HealthBadgesUiIT {

    @TempDir
    Path temp;

    @Test
    void aPausedTargetAndAnAutomaticDisablingShowInTheList(@TempDir Path profile) throws Exception {
        try (HostProcess host = HostProcess.withWebhooksPlugin(temp).env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                .env("CMS_WEBHOOKS_BREAKER_FAILURES", "2").env("CMS_WEBHOOKS_BREAKER_COOLDOWN", "10m")
                .env("CMS_WEBHOOKS_DISABLE_AFTER", "3s").env("CMS_WEBHOOKS_RETRY_SCHEDULE", "200ms,200ms,200ms")
                .start()) {
            Api api = host.api();
            // nothing listens there: every attempt fails at once
            Api.Reply created = api.post("/api/webhooks/", "{\"eventName\":\"tag_created\",\"target\":"
                    + "\"http://127.0.0.1:" + HostProcess.freePort() + "/down\"}");
            assertThat(created.status()).as(created.toString()).isIn(200, 201);
            String webhook = created.json().path("_id").asText();
            for (int i = 0; i < 3; i++) {
                assertThat(api.publish("{\"eventName\":\"tag_created\",\"eventTimestamp\":" + i
                        + ",\"payload\":{\"tenantId\":\"acme\",\"tagName\":\"v" + i + "\"}}").status()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var document = api.get("/api/webhooks/" + webhook).json();
                return document.path("targetHealth").asText().equals("open") && document.has("disabledReason");
            });
            String reason = api.get("/api/webhooks/" + webhook).json().path("disabledReason").asText();

            try (Browser browser = Browser.start(profile)) {
                browser.open(host.baseUri().toString());
                browser.type(By.id("token"), host.adminToken());
                browser.click(By.cssSelector("form.signin button[type=submit]"));
                browser.visible(By.cssSelector("#tab-all[aria-selected=true]"));
                WebElement cell = browser.await(d -> d.findElements(By.cssSelector("tr[data-id='" + webhook + "']"
                        + " td[data-column=health] .health-cell[data-health=loaded]")).stream().findFirst().orElse(null));
                WebElement breaker = cell.findElement(By.cssSelector(".badge[data-target-health=open]"));
                assertThat(breaker.getText()).isEqualTo("Target paused");
                assertThat(breaker.getAttribute("title")).contains("cool-down");
                assertThat(cell.findElement(By.cssSelector(".badge[data-disabled]")).getText()).isEqualTo("Disabled");
                assertThat(cell.findElement(By.cssSelector(".disabled-reason")).getText()).startsWith(reason);
                browser.screenshot("30-webhooks-list-breaker-and-disabled");
                List<String> errors = browser.consoleErrors().stream().map(LogEntry::getMessage).toList();
                assertThat(errors).as("SEVERE entries in the browser console").isEmpty();
            }
        }
    }
}
