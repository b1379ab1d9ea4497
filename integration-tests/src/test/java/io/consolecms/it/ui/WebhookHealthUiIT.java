package io.consolecms.it.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consolecms.it.Api;
import io.consolecms.it.HostProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Health at a glance, in a real browser against the real host: each webhook's last 24 hours in the list (sparkline,
 * success rate, deliveries), the list refreshing itself while the tab is visible and not while it is hidden, a
 * webhook's charts of attempts per hour and latency, and "Retry failed since…". Screenshots go to
 * {@code screenshots.dir}.
 */
class WebhookHealthUiIT extends BrowserTest {

    @TempDir
    static Path temp;

    private static HostProcess host;
    private static Receiver receiver;
    private static Api api;

    @BeforeAll
    static void startHostAndReceiver() throws Exception {
        receiver = Receiver.start();
        host = HostProcess.withWebhooksPlugin(temp).env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                .env("CMS_WEBHOOKS_RETRY_SCHEDULE", "100ms") // two attempts per delivery
                // every path is one target: its breaker, open after 10 failures in a row, would hold back the
                // redeliveries whose attempts this test counts (the breaker has tests of its own)
                .env("CMS_WEBHOOKS_BREAKER_FAILURES", "1000000").start();
        api = host.api();
    }

    @AfterAll
    static void stopHostAndReceiver() throws Exception {
        if (host != null) {
            host.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void theListShowsEachWebhooksLastDayAndRefreshesItselfOnlyWhileVisible() throws Exception {
        String healthy = create("project_created", receiver.url("/hook"));
        String failing = create("service_created", receiver.url("/markup"));
        publish("project_created", "list-1");
        publish("project_created", "list-2");
        publish("service_created", "list-3");
        awaitDeliveries(healthy, "succeeded", 2);
        awaitDeliveries(failing, "failed", 1);

        browser.open(host.baseUri().toString());
        browser.script("performance.setResourceTimingBufferSize(100000)");
        signIn();
        WebElement healthyCell = healthCell(healthy);
        assertThat(healthyCell.findElement(By.cssSelector("svg.spark")).getAttribute("data-total")).isEqualTo("2");
        assertThat(sumOfCounts(healthyCell, "succeeded")).isEqualTo(2);
        assertThat(healthyCell.findElement(By.cssSelector(".health-rate")).getText()).isEqualTo("100%");
        assertThat(healthyCell.getText()).contains("2 deliveries");
        WebElement failingCell = healthCell(failing);
        assertThat(sumOfCounts(failingCell, "failed")).as("one delivery, two attempts answered 500").isEqualTo(2);
        assertThat(failingCell.findElement(By.cssSelector(".health-rate")).getText()).isEqualTo("0%");
        assertThat(failingCell.getText()).contains("1 delivery");
        browser.screenshot("12-webhooks-list-health");

        // A new delivery shows by itself: no reload (the marker survives), no click.
        browser.script("window.stillTheSamePage = true");
        String lastBefore = lastDeliveryText(healthy);
        Thread.sleep(1100); // the next delivery's time, shown to the second, differs
        publish("project_created", "list-4");
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requestsContaining("list-4").size() == 1);
        browser.await(Duration.ofSeconds(30), d -> {
            WebElement cell = healthCell(healthy);
            return "3".equals(cell.findElement(By.cssSelector("svg.spark")).getAttribute("data-total"))
                    && !lastDeliveryText(healthy).equals(lastBefore);
        });
        assertThat(browser.script("return window.stillTheSamePage === true")).isEqualTo(true);

        // Hidden (as when another tab is in front), the list stops asking; visible again, it refreshes at once.
        browser.script("Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});"
                + "document.dispatchEvent(new Event('visibilitychange'))");
        long whileHidden = listFetches();
        Thread.sleep(12_000); // more than the list's refresh interval (10 s)
        assertThat(listFetches()).as("no list request while hidden").isEqualTo(whileHidden);
        browser.script("Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'visible'});"
                + "document.dispatchEvent(new Event('visibilitychange'))");
        browser.await(Duration.ofSeconds(5), d -> listFetches() > whileHidden);
    }

    @Test
    void aWebhooksPageChartsItsAttemptsAndLatencyAndRetriesFailedDeliveriesSinceATime() throws Exception {
        String webhook = create("tag_created", receiver.url("/markup"));
        publish("tag_created", "retry-ui");
        publish("tag_created", "retry-ui");
        awaitDeliveries(webhook, "failed", 2);

        browser.open(host.baseUri().toString());
        signIn();
        browser.click(By.cssSelector("tr[data-id='" + webhook + "'] [data-action=open]"));
        WebElement health = browser.visible(By.cssSelector("section[data-panel=health]"));
        browser.await(d -> health.findElements(By.cssSelector("svg.chart-attempts")).size() == 1);
        assertThat(stat("attempts")).isEqualTo("4");
        assertThat(stat("successRate")).isEqualTo("0%");
        assertThat(stat("p50")).endsWith(" ms");
        assertThat(stat("p95")).endsWith(" ms");
        assertThat(stat("deliveries")).isEqualTo("2 (2 failed, 0 pending)");
        assertThat(sumOfCounts(health.findElement(By.cssSelector("svg.chart-attempts")), "failed")).isEqualTo(4);
        assertThat(health.findElements(By.cssSelector("svg.chart-attempts g[data-hour]"))).hasSize(24);
        assertThat(health.findElements(By.cssSelector("svg.chart-latency circle.p50"))).isNotEmpty();
        assertThat(health.findElements(By.cssSelector("svg.chart-latency circle.p95"))).isNotEmpty();
        browser.screenshot("13-webhook-health");

        // The target is fixed; "Retry failed since…" sends both failed deliveries again.
        assertThat(api.patch("/api/webhooks/" + webhook, "{\"$set\":{\"target\":\"" + receiver.url("/hook") + "\"}}")
                .status()).isEqualTo(200);
        browser.click(By.cssSelector("[data-action=retry-failed]"));
        WebElement since = browser.visible(By.cssSelector("dialog[open] input#retry-since"));
        assertThat(since.getAttribute("value")).as("24 hours ago by default").isNotBlank();
        browser.screenshot("14-retry-failed-since");
        browser.click(By.cssSelector("dialog[open] button[data-value=retry]"));
        WebElement outcome = browser.visible(By.cssSelector(".test-outcome [data-outcome=retried]"));
        assertThat(outcome.getAttribute("data-queued")).isEqualTo("2");
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.requestsContaining("retry-ui").stream()
                .filter(request -> request.path().equals("/hook")).count() == 2);
        awaitDeliveries(webhook, "succeeded", 2);

        // Another window reloads the charts: the two successes are there, one week long.
        new Select(browser.visible(By.id("health-window"))).selectByValue("168");
        browser.await(d -> "168".equals(d.findElement(By.cssSelector("section[data-panel=health] .health-body"))
                .getAttribute("data-hours")));
        assertThat(stat("attempts")).isEqualTo("6");
        assertThat(stat("successRate")).isEqualTo("33.3%");
        assertThat(browser.driver().findElements(By.cssSelector("svg.chart-attempts g[data-hour]"))).hasSize(168);
        assertThat(sumOfCounts(browser.visible(By.cssSelector("svg.chart-attempts")), "succeeded")).isEqualTo(2);
        new Select(browser.visible(By.id("health-window"))).selectByValue("24");
        browser.await(d -> "24".equals(d.findElement(By.cssSelector("section[data-panel=health] .health-body"))
                .getAttribute("data-hours")));
        browser.script("arguments[0].scrollIntoView({block: 'start'})",
                browser.visible(By.cssSelector("section[data-panel=health]")));
        browser.screenshot("15-webhook-health-after-retry");
    }

    private String stat(String key) {
        return browser.visible(By.cssSelector("section[data-panel=health] [data-stat=" + key + "] dd")).getText();
    }

    private static int sumOfCounts(WebElement chart, String outcome) {
        return chart.findElements(By.cssSelector("rect[data-outcome=" + outcome + "]")).stream()
                .mapToInt(rect -> Integer.parseInt(rect.getAttribute("data-count"))).sum();
    }

    private WebElement healthCell(String id) {
        return browser.await(d -> d.findElements(By.cssSelector("tr[data-id='" + id + "'] td[data-column=health]"
                + " .health-cell[data-health=loaded]")).stream().findFirst().orElse(null));
    }

    private String lastDeliveryText(String id) {
        return browser.await(d -> d.findElement(By.cssSelector("tr[data-id='" + id + "'] td[data-column=lastDelivery]"))
                .getText());
    }

    /** How many times the page has asked for the list of webhooks. */
    private long listFetches() {
        return (Long) browser.script("return performance.getEntriesByType('resource')"
                + ".filter(e => e.name.includes('/api/webhooks/?')).length");
    }

    private static String create(String eventName, String target) {
        Api.Reply created = api.post("/api/webhooks/", "{\"eventName\":\"" + eventName + "\",\"target\":\"" + target
                + "\"}");
        assertThat(created.status()).as(created.toString()).isIn(200, 201);
        return created.json().path("_id").asText();
    }

    private static void publish(String eventName, String projectId) {
        Api.Reply published = api.publish("{\"eventName\":\"" + eventName + "\",\"eventTimestamp\":1732780800000,"
                + "\"payload\":{\"tenantId\":\"acme\",\"projectId\":\"" + projectId + "\"}}");
        assertThat(published.status()).as(published.toString()).isEqualTo(202);
    }

    private static void awaitDeliveries(String webhook, String status, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                api.get("/api/webhooks/" + webhook + "/deliveries?status=" + status).json().size() == count);
    }

    private void signIn() throws Exception {
        browser.type(By.id("token"), host.adminToken());
        browser.click(By.cssSelector("form.signin button[type=submit]"));
        browser.visible(By.cssSelector("#side-menu a[data-collection=webhooks]"));
        browser.visible(By.cssSelector("#tab-all[aria-selected=true]"));
    }
}
