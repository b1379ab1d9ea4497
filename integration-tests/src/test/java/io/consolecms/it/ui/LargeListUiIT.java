package io.consolecms.it.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.it.Api;
import io.consolecms.it.HostProcess;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The list with 10,000 webhooks in a real browser against the real host: it shows its first page and the right
 * totals after one count request per load, and paging and switching tabs answer within seconds. At 1280 px it fits
 * the window without scrolling sideways.
 */
class LargeListUiIT extends BrowserTest {

    private static final int WEBHOOKS = 10_000;
    /** Every tenth webhook is a draft; a few published ones go to the trash. */
    private static final int DRAFTS = WEBHOOKS / 10;
    private static final int TRASHED = 7;
    private static final int PUBLISHED = WEBHOOKS - DRAFTS - TRASHED;
    /** How long the list may take to answer a click: a check that it does not hang, not a benchmark. */
    private static final Duration ANSWERS_WITHIN = Duration.ofSeconds(5);
    /** How long a load of the whole page may take (the admin shell and the plugin's module, then the list). */
    private static final Duration PAGE_LOAD = Duration.ofSeconds(20);

    @TempDir
    static Path temp;

    private static HostProcess host;

    @BeforeAll
    static void startHostWithTenThousandWebhooks() throws Exception {
        // The first start makes the plugin's tables; the webhooks go straight into the stopped host's H2 database, as
        // the benchmark fills it (one statement, well under a second, where 10,000 POSTs take a minute on a busy
        // machine); the second start serves them.
        host = HostProcess.withWebhooksPlugin(temp).start();
        host.stop();
        long start = System.nanoTime();
        storeWebhooks(host.dataDir());
        System.out.printf("LargeListUiIT stored %,d webhooks in %,d ms%n", WEBHOOKS,
                (System.nanoTime() - start) / 1_000_000);
        host.start();
        Api api = host.api();
        List<String> published = ids(api.get("/api/webhooks/?_st=PUBLIC&_l=" + TRASHED));
        for (String id : published) {
            assertThat(api.post("/api/webhooks/" + id + "/state", "{\"stateTo\":\"TRASH\"}").status()).isEqualTo(204);
        }
        assertThat(api.get("/api/webhooks/count?_st=PUBLIC,DRAFT,TRASH").text()).isEqualTo(String.valueOf(WEBHOOKS));
    }

    /**
     * {@link #WEBHOOKS} webhooks of 50 companies, every tenth a draft, each created a millisecond after the one before,
     * written into the H2 database of a stopped host.
     */
    private static void storeWebhooks(Path dataDir) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("cms"), "sa", "");
             PreparedStatement insert = connection.prepareStatement("INSERT INTO webhooks (id, tenant_id, event_name,"
                     + " target, state, created_at, updated_at, creator_id, updater_id)"
                     + " SELECT '6b0aa3' || LPAD(CAST(X AS VARCHAR), 18, '0'), 'tenant-' || MOD(X, 50), 'tag_created',"
                     + " 'https://receiver-' || X || '.example.com/hooks/console',"
                     + " CASE WHEN MOD(X, 10) = 0 THEN 'DRAFT' ELSE 'PUBLIC' END, ? + X, ? + X, 'admin', 'admin'"
                     + " FROM SYSTEM_RANGE(1, ?)")) {
            long createdAt = System.currentTimeMillis() - WEBHOOKS;
            insert.setLong(1, createdAt);
            insert.setLong(2, createdAt);
            insert.setInt(3, WEBHOOKS);
            assertThat(insert.executeUpdate()).isEqualTo(WEBHOOKS);
        }
    }

    private static List<String> ids(Api.Reply reply) {
        List<String> ids = new ArrayList<>();
        reply.json().forEach(document -> ids.add(document.path("_id").asText()));
        return ids;
    }

    @AfterAll
    static void stopHost() throws Exception {
        if (host != null) {
            host.close();
        }
    }

    @Test
    void theListOfTenThousandLoadsWithOneCountRequestAndAnswersPagingAndTabsQuickly() throws Exception {
        browser.resize(1280, 800);
        browser.open(host.baseUri().toString());
        browser.type(By.id("token"), host.adminToken());
        browser.click(By.cssSelector("form.signin button[type=submit]"));
        awaitPage(PAGE_LOAD, "1–25 of " + WEBHOOKS);

        // A load of the list from scratch: a new document, so the browser's resource timings are this load's only.
        browser.driver().navigate().refresh();
        awaitPage(PAGE_LOAD, "1–25 of " + WEBHOOKS);
        // read at once: the list's own refresh comes 10 s after it was shown
        assertThat(countRequests()).as("count requests of one load of the list").hasSize(1);
        assertThat(listRequests()).as("pages of the list asked for by one load").hasSize(1);
        assertThat(rows()).hasSize(25);
        assertThat(tabCount("all")).isEqualTo(" (" + WEBHOOKS + ")");
        assertThat(tabCount("published")).isEqualTo(" (" + PUBLISHED + ")");
        assertThat(tabCount("draft")).isEqualTo(" (" + DRAFTS + ")");
        assertThat(tabCount("trash")).isEqualTo(" (" + TRASHED + ")");
        browser.screenshot("20-webhooks-list-10000");

        assertFitsTheWindow();

        // Paging: the next page, with one count request again.
        String firstRow = rows().get(0).getAttribute("data-id");
        clearResourceTimings();
        clickAndAwaitPage(By.cssSelector(".pager button:last-of-type"), "26–50 of " + WEBHOOKS);
        assertThat(rows()).hasSize(25).noneMatch(row -> firstRow.equals(row.getAttribute("data-id")));
        assertOneCountRequestPerLoad("Next");

        // Switching tabs.
        clearResourceTimings();
        clickAndAwaitPage(By.id("tab-draft"), "1–25 of " + DRAFTS);
        assertThat(rows()).allMatch(row -> row.findElement(By.cssSelector("td[data-column=__STATE__]")).getText()
                .equals("Draft"));
        assertOneCountRequestPerLoad("the Draft tab");
        clickAndAwaitPage(By.id("tab-trash"), "1–" + TRASHED + " of " + TRASHED);
        clickAndAwaitPage(By.id("tab-published"), "1–25 of " + PUBLISHED);
        clickAndAwaitPage(By.cssSelector(".pager button:last-of-type"), "26–50 of " + PUBLISHED);
        clickAndAwaitPage(By.cssSelector(".pager button:nth-of-type(1)"), "1–25 of " + PUBLISHED);
        assertFitsTheWindow();
    }

    /** Neither the page nor the table in it scrolls sideways. */
    private void assertFitsTheWindow() {
        assertThat((Long) browser.script("return document.documentElement.scrollWidth"))
                .as("the page's width").isLessThanOrEqualTo((Long) browser.script("return window.innerWidth"));
        assertThat((Long) browser.script("return document.querySelector('#list-panel .table-wrap').scrollWidth"))
                .as("the table's width").isLessThanOrEqualTo(
                        (Long) browser.script("return document.querySelector('#list-panel .table-wrap').clientWidth"));
    }

    /** Clicks, then waits at most {@link #ANSWERS_WITHIN} until the pager says {@code text}. */
    private void clickAndAwaitPage(By locator, String text) {
        WebElement target = browser.visible(locator);
        long start = System.nanoTime();
        browser.click(target);
        awaitPage(ANSWERS_WITHIN, text);
        System.out.printf("LargeListUiIT: %s shown %,d ms after the click%n", text,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Waits, at most {@code limit}, until the pager says {@code text} and the table is not busy. */
    private void awaitPage(Duration limit, String text) {
        browser.await(limit, d -> d.findElements(By.cssSelector("#list-panel[aria-busy]")).isEmpty()
                && d.findElements(By.cssSelector("#list-panel .pager span")).stream()
                        .anyMatch(pager -> pager.getText().equals(text)));
    }

    private List<WebElement> rows() {
        return browser.driver().findElements(By.cssSelector("#list-panel tbody tr[data-id]"));
    }

    private String tabCount(String tab) {
        return (String) browser.script("return document.querySelector(arguments[0]).textContent",
                "[data-count-for=\"" + tab + "\"]");
    }

    /** The requests for counts the browser made since its resource timings were last cleared. */
    private List<String> countRequests() {
        return requests("/api/webhooks/count");
    }

    /** The requests for pages of the list the browser made since its resource timings were last cleared. */
    private List<String> listRequests() {
        return requests("/api/webhooks/");
    }

    @SuppressWarnings("unchecked")
    private List<String> requests(String path) {
        return (List<String>) browser.script("return performance.getEntriesByType('resource')"
                + ".map((entry) => entry.name).filter((url) => { const at = new URL(url);"
                + " return at.pathname.startsWith(arguments[0])"
                + " && (arguments[0].endsWith('/count') || at.pathname === arguments[0]); })", path);
    }

    /**
     * One count request per page of the list asked for since the resource timings were cleared: at least the one of
     * the action, and the list's own refresh (every 10 s) may have added a page and its count meanwhile.
     */
    private void assertOneCountRequestPerLoad(String action) {
        List<String> pages = listRequests();
        assertThat(pages).as("pages of the list asked for after " + action).isNotEmpty();
        assertThat(countRequests()).as("count requests after " + action).hasSize(pages.size());
    }

    private void clearResourceTimings() {
        browser.script("performance.setResourceTimingBufferSize(10000); performance.clearResourceTimings();");
    }
}
