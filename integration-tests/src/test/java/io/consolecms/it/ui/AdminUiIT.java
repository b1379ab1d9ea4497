package io.consolecms.it.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.standardwebhooks.Webhook;
import io.consolecms.it.Api;
import io.consolecms.it.HostProcess;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The admin UI in a real browser against the real host with the webhooks plugin: sign-in, the "Add new" form and
 * the server's field errors, the list and its tabs, deliveries with their attempts, Redeliver, Send test event,
 * trash/restore/delete, and server text that contains markup. Screenshots of each page go to
 * {@code screenshots.dir}.
 */
class AdminUiIT extends BrowserTest {

    /** Console errors the scenarios provoke on purpose: Chromium logs every 4xx answer to a fetch. */
    private static final Pattern EXPECTED_REFUSALS =
            Pattern.compile(".*/api/(webhooks/|webhooks/[0-9a-f]{24}/secret|collections) - Failed to load resource: "
                    + ".*status of (400|401).*");

    @TempDir
    static Path temp;

    private static HostProcess host;
    private static Receiver receiver;
    private static Api api;

    @BeforeAll
    static void startHostAndReceiver() throws Exception {
        receiver = Receiver.start();
        host = HostProcess.withWebhooksPlugin(temp).env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8").start();
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

    @Override
    protected boolean expectedError(String message) {
        return EXPECTED_REFUSALS.matcher(message).matches();
    }

    @Test
    void wrongTokenIsRefusedWithAClearMessageAndTheRightOneOpensTheMenu() throws Exception {
        browser.open(host.baseUri().toString());
        browser.type(By.id("token"), "not-the-admin-token");
        browser.click(By.cssSelector("form.signin button[type=submit]"));

        WebElement error = browser.visible(By.id("token-error"));
        assertThat(error.getText()).contains("not valid");
        assertThat(browser.visible(By.id("token")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.script("return sessionStorage.length")).isEqualTo(0L);
        browser.screenshot("01-sign-in-wrong-token");

        signIn();
        assertThat(browser.visible(By.cssSelector("#side-menu .menu-category")).getText()).isEqualToIgnoringCase("Events");

        // The tabs are buttons that arrow keys move between, as in any tab list.
        browser.visible(By.id("tab-all")).sendKeys(Keys.ARROW_RIGHT);
        browser.visible(By.cssSelector("#tab-published[aria-selected=true]"));
        assertThat(browser.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("tab-published");
        browser.driver().switchTo().activeElement().sendKeys(Keys.END);
        browser.visible(By.cssSelector("#tab-trash[aria-selected=true]"));
        assertThat(browser.visible(By.id("tab-all")).getAttribute("aria-selected")).isEqualTo("false");
        assertThat(browser.script("return localStorage.length")).as("the token is never kept beyond the tab")
                .isEqualTo(0L);
    }

    @Test
    void administratorAddsAWebhookFollowsItsDeliveriesAndRemovesIt() throws Exception {
        browser.open(host.baseUri().toString());
        signIn();
        browser.screenshot("02-webhooks-list");

        // Add new, with a target the server refuses (user-info) and a CA that is no certificate.
        browser.click(By.cssSelector("[data-action=add-new]"));
        chooseEvent("project_created");
        assertThat(browser.visible(By.cssSelector("[data-field=eventName] .option-description")).getText())
                .as("the picker shows the event's description").contains("project_created");
        String refusedTarget = "http://someone:password@127.0.0.1:" + receiver.port() + "/hook";
        browser.type(field("target"), refusedTarget);
        browser.type(field("secret"), "It's a Secret to Everybody");
        browser.type(By.cssSelector("[data-field=base64CA] textarea"), "this is not a certificate");
        save();

        WebElement targetError = browser.visible(errorOf("target"));
        WebElement caError = browser.visible(errorOf("base64CA"));
        assertThat(targetError.getText()).isNotBlank();
        assertThat(caError.getText()).isNotBlank();
        WebElement targetInput = browser.visible(field("target"));
        assertThat(targetInput.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(targetInput.getAttribute("aria-describedby")).contains(targetError.getAttribute("id"));
        assertThat(browser.visible(By.cssSelector("[data-field=base64CA] textarea")).getAttribute("aria-invalid"))
                .isEqualTo("true");
        assertThat(targetInput.getAttribute("value")).as("the form keeps what was typed").isEqualTo(refusedTarget);
        browser.screenshot("03-add-new-with-server-errors");

        // Fix both and save.
        String target = receiver.url("/hook");
        browser.type(field("target"), target);
        browser.visible(By.cssSelector("[data-field=base64CA] textarea")).clear();
        save();

        WebElement row = rowWithTarget(target);
        String id = row.getAttribute("data-id");
        assertThat(row.getText()).contains("project_created", "Instance", "Published", "Never");
        assertThat(api.get("/api/webhooks/" + id).json().path("hasSecret").asBoolean()).isTrue();
        browser.screenshot("04-webhooks-list-with-new-webhook");
        browser.resize(390, 844);
        browser.screenshot("04b-webhooks-list-390px");
        browser.resize(1280, 1000);
        row = rowWithTarget(target);

        // An event is delivered; its attempt shows in the deliveries panel.
        browser.click(row.findElement(By.cssSelector("[data-action=open]")));
        browser.visible(By.cssSelector("section[data-panel=deliveries]"));

        // Edit: only what changed is sent; an emptied field and a removed secret are unset.
        browser.type(field("tenantId"), "acme");
        saveAndAwaitReload();
        assertThat(api.get("/api/webhooks/" + id).json().path("tenantId").asText()).isEqualTo("acme");
        assertThat(browser.visible(field("tenantId")).getAttribute("value")).isEqualTo("acme");
        browser.visible(field("tenantId")).clear();
        browser.click(By.cssSelector("[data-field=secret] input[type=checkbox]"));
        saveAndAwaitReload();
        JsonNode stored = api.get("/api/webhooks/" + id).json();
        assertThat(stored.has("tenantId")).as("tenantId unset").isFalse();
        assertThat(stored.path("hasSecret").asBoolean()).as("secret removed").isFalse();
        assertThat(stored.path("target").asText()).isEqualTo(target);

        Api.Reply published = api.publish("""
                {"eventName":"project_created","eventTimestamp":1732780800000,
                 "payload":{"tenantId":"acme","projectId":"ui-test"}}""");
        assertThat(published.status()).as(published.toString()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requestsContaining("ui-test").size() == 1);
        WebElement delivery = refreshUntil(By.cssSelector("tr.delivery[data-status=succeeded]"));
        assertThat(delivery.getText()).contains("project_created", "200");
        browser.click(delivery.findElement(By.cssSelector("[data-action=attempts]")));
        WebElement attempt = browser.visible(By.cssSelector("tr.attempts-row tr.attempt"));
        assertThat(attempt.findElement(By.cssSelector("[data-column=statusCode]")).getText()).isEqualTo("200");
        assertThat(attempt.getText()).contains("ms", "received");
        browser.screenshot("05-deliveries-with-attempt");

        // Redeliver: a second attempt of the same delivery, with the same webhook-id.
        browser.click(By.cssSelector("tr.delivery [data-action=redeliver]"));
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requestsContaining("ui-test").size() == 2);
        List<Receiver.Request> both = receiver.requestsContaining("ui-test");
        assertThat(both.get(1).webhookId()).isEqualTo(both.get(0).webhookId());
        refreshUntil(d -> d.findElements(By.cssSelector("tr.delivery td[data-column=attempts]")).stream()
                .filter(cell -> cell.getText().equals("2")).findFirst().orElse(null));

        // Send test event: its outcome is shown at once.
        browser.click(By.cssSelector("[data-action=send-test]"));
        WebElement outcome = browser.visible(By.cssSelector(".test-outcome [data-outcome=succeeded]"));
        assertThat(outcome.getText()).contains("200");
        assertThat(receiver.requestsContaining(id)).as("the ping names this webhook")
                .anySatisfy(ping -> assertThat(ping.body()).contains("webhook_ping"));
        browser.screenshot("06-send-test-event");
        browser.resize(390, 844);
        browser.screenshot("07-webhook-page-390px");
        browser.resize(1280, 1000);

        // Move to trash from its page, restore it from the Trash tab, then delete it for good.
        browser.click(By.cssSelector(".page-header [data-action=trash]"));
        browser.visible(By.cssSelector(".page-header [data-action=restore]"));
        browser.click(By.cssSelector(".breadcrumb a"));
        selectTab("trash");
        WebElement trashed = rowWithTarget(target);
        assertThat(trashed.findElement(By.cssSelector("td[data-column=lastDelivery] .badge-succeeded")).getText())
                .as("the last delivery (the test event) in the delivery log's words").isEqualTo("succeeded");
        browser.click(trashed.findElement(By.cssSelector("[data-action=restore]")));
        browser.await(d -> d.findElements(By.cssSelector("tr[data-id='" + id + "']")).isEmpty());
        assertThat(api.get("/api/webhooks/" + id).json().path("__STATE__").asText()).isEqualTo("DRAFT");
        selectTab("draft");
        browser.click(rowWithTarget(target).findElement(By.cssSelector("[data-action=trash]")));
        browser.await(d -> d.findElements(By.cssSelector("tr[data-id='" + id + "']")).isEmpty());
        selectTab("trash");
        browser.screenshot("08-trash-tab");

        browser.click(rowWithTarget(target).findElement(By.cssSelector("[data-action=delete]")));
        browser.visible(By.cssSelector("dialog[open]")).sendKeys(Keys.ESCAPE);
        browser.await(d -> d.findElements(By.cssSelector("dialog[open]")).isEmpty());
        assertThat(api.get("/api/webhooks/" + id + "?_st=PUBLIC,DRAFT,TRASH").status()).as("Escape cancels")
                .isEqualTo(200);
        browser.click(rowWithTarget(target).findElement(By.cssSelector("[data-action=delete]")));
        browser.visible(By.cssSelector("dialog[open]"));
        browser.screenshot("09-delete-confirmation");
        browser.click(By.cssSelector("dialog[open] button[data-value=confirm]"));
        browser.await(d -> d.findElements(By.cssSelector("tr[data-id='" + id + "']")).isEmpty());
        assertThat(api.get("/api/webhooks/" + id + "?_st=PUBLIC,DRAFT,TRASH").status()).isEqualTo(404);
    }

    @Test
    void savingAWebhookFromItsPageShowsExactlyOneMessage() throws Exception {
        String target = receiver.url("/one-toast");
        browser.open(host.baseUri().toString());
        signIn();
        // Every toast shown from now on, and the most ever on screen at once, even of toasts gone by the time the test
        // looks (the page is one document throughout: the shell routes by the URL's hash).
        browser.script("window.toastsShown = []; window.mostToastsAtOnce = 0;"
                + "new MutationObserver((changes) => {"
                + "  changes.forEach((change) => change.addedNodes.forEach((node) => {"
                + "    if (node.classList && node.classList.contains('toast')) {"
                + "      window.toastsShown.push(node.textContent);"
                + "    }"
                + "  }));"
                + "  window.mostToastsAtOnce = Math.max(window.mostToastsAtOnce,"
                + "      document.querySelectorAll('.toasts .toast').length);"
                + "}).observe(document.body, {childList: true, subtree: true});");

        // As README's deliveries screenshot was taken: added through the form, then saved twice from its page.
        browser.click(By.cssSelector("[data-action=add-new]"));
        chooseEvent("tag_created");
        browser.type(field("target"), target);
        save();
        String id = rowWithTarget(target).getAttribute("data-id");
        browser.click(rowWithTarget(target).findElement(By.cssSelector("[data-action=open]")));
        browser.type(field("tenantId"), "acme");
        saveAndAwaitReload();
        browser.type(field("projectId"), "toasts");
        browser.script("window.toastsShown = [];");
        saveAndAwaitReload();
        assertThat(api.get("/api/webhooks/" + id).json().path("projectId").asText()).isEqualTo("toasts");

        // One save, one message, and nothing arrives late (e.g. once the page is drawn again).
        await().pollInterval(Duration.ofMillis(200)).during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(browser.script("return window.toastsShown"))
                        .as("every toast shown since the last save").isEqualTo(List.of("Webhook: changes saved.")));
        assertThat(toastTexts()).as("the toasts on screen").isSubsetOf("Webhook: changes saved.");
        assertThat(browser.script("return window.mostToastsAtOnce")).as("the most toasts on screen at once, over "
                + "three saves").isEqualTo(1L);
        api.delete("/api/webhooks/" + id);
    }

    /** The texts of the toasts the page shows now, oldest first (read at once: a toast may go any moment). */
    @SuppressWarnings("unchecked")
    private List<String> toastTexts() {
        return (List<String>) browser.script("return [...document.querySelectorAll('.toasts .toast')]"
                + ".map((toast) => toast.textContent)");
    }

    @Test
    void textFromTheServerThatContainsMarkupIsShownAsTextAndNeverRuns() throws Exception {
        // The target answers markup; its response body is shown in the test outcome and in the attempts.
        String target = receiver.url("/markup?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");
        Api.Reply created = api.post("/api/webhooks/", """
                {"eventName":"tag_created","target":"%s"}""".formatted(target));
        assertThat(created.status()).as(created.toString()).isIn(200, 201);
        String id = created.json().path("_id").asText();
        // A target with raw markup, where the server's URL rule lets it be stored, must show as text too.
        String rawTarget = "http://127.0.0.1:1/?q=<img src=x onerror=alert(1)>";
        Api.Reply raw = api.post("/api/webhooks/", """
                {"eventName":"tag_created","target":"%s"}""".formatted(rawTarget));

        browser.open(host.baseUri().toString());
        signIn();
        if (raw.status() < 300) {
            assertThat(rowWithTarget(rawTarget).getText()).contains(rawTarget);
        }
        browser.click(rowWithTarget(target).findElement(By.cssSelector("[data-action=open]")));
        browser.visible(By.cssSelector("section[data-panel=deliveries]"));
        Api.Reply published = api.publish("""
                {"eventName":"tag_created","eventTimestamp":1732780800000,"payload":{"tenantId":"acme","projectId":"markup"}}""");
        assertThat(published.status()).as(published.toString()).isEqualTo(202);
        WebElement delivery = refreshUntil(d -> d.findElements(By.cssSelector("tr.delivery")).stream()
                .filter(row -> !row.findElement(By.cssSelector("td[data-column=attempts]")).getText().equals("0"))
                .findFirst().orElse(null));
        browser.click(delivery.findElement(By.cssSelector("[data-action=attempts]")));
        assertThat(browser.visible(By.cssSelector("tr.attempt pre.response-body")).getText()).isEqualTo(Receiver.MARKUP);

        browser.click(By.cssSelector("[data-action=send-test]"));
        WebElement outcome = browser.visible(By.cssSelector(".test-outcome [data-outcome=failed]"));
        assertThat(outcome.getText()).contains("500");
        browser.click(outcome.findElement(By.tagName("summary")));
        assertThat(browser.visible(By.cssSelector(".test-outcome pre.response-body")).getText()).isEqualTo(Receiver.MARKUP);
        browser.screenshot("10-markup-shown-as-text");

        assertThat(browser.driver().findElements(By.cssSelector("main img, main script"))).isEmpty();
        assertThatThrownBy(() -> browser.driver().switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        api.delete("/api/webhooks/" + id);
    }

    @Test
    void certificateFilesAreSentAsBase64PemAsTextAndDerAsBytes(@TempDir Path files) throws Exception {
        TestCertificate certificate = TestCertificate.generate("ui-test-ca");
        Path pemFile = Files.writeString(files.resolve("ca.pem"), certificate.pem());
        Path derFile = Files.write(files.resolve("ca.crt"), certificate.der());
        String target = "https://127.0.0.1:" + receiver.port() + "/tls-hook";

        browser.open(host.baseUri().toString());
        signIn();
        browser.click(By.cssSelector("[data-action=add-new]"));
        chooseEvent("service_created");
        browser.type(field("target"), target);
        uploadCertificate(pemFile);
        browser.script("arguments[0].scrollIntoView({block: 'center'})",
                browser.visible(By.cssSelector("[data-field=base64CA] textarea")));
        browser.screenshot("11-certificate-uploaded");
        save();

        String id = rowWithTarget(target).getAttribute("data-id");
        String stored = api.get("/api/webhooks/" + id).json().path("base64CA").asText();
        assertThat(new String(Base64.getMimeDecoder().decode(stored), StandardCharsets.UTF_8).trim())
                .as("a PEM file is sent as base64 of its text").isEqualTo(certificate.pem().trim());

        browser.click(rowWithTarget(target).findElement(By.cssSelector("[data-action=open]")));
        assertThat(browser.visible(By.cssSelector("[data-field=base64CA] textarea")).getAttribute("value"))
                .as("the stored PEM is shown as its text").contains("-----BEGIN CERTIFICATE-----");
        uploadCertificate(derFile);
        saveAndAwaitReload();
        assertThat(api.get("/api/webhooks/" + id).json().path("base64CA").asText())
                .as("a DER file is sent as base64 of its bytes")
                .isEqualTo(Base64.getEncoder().encodeToString(certificate.der()));
        api.delete("/api/webhooks/" + id);
    }

    @Test
    void theRateLimitIsAWholeNumberInItsRangeSentAsANumberAndEmptyingItRemovesIt() throws Exception {
        String target = receiver.url("/limited");
        browser.open(host.baseUri().toString());
        signIn();
        browser.click(By.cssSelector("[data-action=add-new]"));
        chooseEvent("tag_created");
        browser.type(field("target"), target);
        WebElement rate = browser.visible(field("rateLimit"));
        assertThat(rate.getAttribute("type")).isEqualTo("number");
        assertThat(rate.getAttribute("min")).isEqualTo("1");
        assertThat(rate.getAttribute("max")).isEqualTo("10000");
        assertThat(browser.visible(By.cssSelector("[data-field=rateLimit] .help")).getText())
                .contains("per second");

        browser.type(field("rateLimit"), "20000");
        save();
        assertThat(browser.visible(errorOf("rateLimit")).getText()).isEqualTo("Enter a whole number from 1 to 10000.");
        assertThat(browser.visible(field("rateLimit")).getAttribute("aria-invalid")).isEqualTo("true");
        browser.screenshot("14-rate-limit-out-of-range");

        browser.type(field("rateLimit"), "50");
        save();
        String id = rowWithTarget(target).getAttribute("data-id");
        JsonNode stored = api.get("/api/webhooks/" + id).json();
        assertThat(stored.path("rateLimit").isInt()).as("sent as a JSON number").isTrue();
        assertThat(stored.path("rateLimit").asInt()).isEqualTo(50);

        browser.click(rowWithTarget(target).findElement(By.cssSelector("[data-action=open]")));
        assertThat(browser.visible(field("rateLimit")).getAttribute("value")).isEqualTo("50");
        browser.type(field("rateLimit"), "120");
        saveAndAwaitReload();
        assertThat(api.get("/api/webhooks/" + id).json().path("rateLimit").asInt()).isEqualTo(120);
        browser.visible(field("rateLimit")).clear();
        saveAndAwaitReload();
        assertThat(api.get("/api/webhooks/" + id).json().has("rateLimit")).as("emptied: no limit").isFalse();
        api.delete("/api/webhooks/" + id);
    }

    @Test
    void administratorRotatesTheSecretInADialogThatShowsTheServersMessages() throws Exception {
        String target = receiver.url("/rotate");
        Api.Reply created = api.post("/api/webhooks/", "{\"eventName\":\"service_created\",\"target\":\"" + target
                + "\",\"secret\":\"first-secret\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        String id = created.json().get("_id").asText();
        browser.open(host.baseUri().toString());
        signIn();
        browser.click(rowWithTarget(target).findElement(By.cssSelector("[data-action=open]")));
        WebElement panel = browser.visible(By.cssSelector("section[data-panel=secret]"));
        assertThat(panel.getText()).contains("Signing secret", "webhook-signature");

        // Rotate secret opens a dialog; what the server refuses is shown beside each field, with what was typed.
        browser.click(By.cssSelector("[data-action=rotate-secret]"));
        browser.visible(By.cssSelector("dialog[open] #rotate-secret"));
        assertThat(browser.driver().switchTo().activeElement().getAttribute("id")).isEqualTo("rotate-secret");
        assertThat(browser.visible(By.id("rotate-keep")).getAttribute("value")).isEqualTo("24h");
        browser.type(By.id("rotate-secret"), "whsec_%%%");
        browser.type(By.id("rotate-keep"), "1y");
        browser.click(By.cssSelector("dialog[open] button[data-value=rotate]"));
        WebElement secretError = browser.visible(By.cssSelector("dialog[open] [data-field=secret] .field-error"));
        WebElement keepError = browser.visible(By.cssSelector("dialog[open] [data-field=keepPreviousFor] .field-error"));
        assertThat(secretError.getText()).contains("whsec_");
        assertThat(keepError.getText()).contains("duration");
        assertThat(browser.visible(By.id("rotate-keep")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.visible(By.id("rotate-keep")).getAttribute("value")).isEqualTo("1y");
        browser.screenshot("12-rotate-secret-errors");

        browser.type(By.id("rotate-secret"), "second-secret");
        browser.type(By.id("rotate-keep"), "1h");
        browser.click(By.cssSelector("dialog[open] button[data-value=rotate]"));
        WebElement outcome = browser.visible(By.cssSelector("section[data-panel=secret] [data-outcome=rotated]"));
        assertThat(outcome.getText()).contains("previous secret also signs deliveries until");
        assertThat(browser.driver().findElements(By.cssSelector("dialog[open]"))).isEmpty();
        browser.screenshot("13-rotate-secret-done");
        assertThat(browser.driver().getPageSource()).doesNotContain("second-secret", "first-secret");

        // The next delivery carries both signatures, the new secret's first, as the official library checks them.
        Api.Reply published = api.publish("""
                {"eventName":"service_created","eventTimestamp":1732780800000,
                 "payload":{"tenantId":"acme","projectId":"rotate-test","serviceName":"s"}}""");
        assertThat(published.status()).as(published.toString()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requestsContaining("rotate-test").size() == 1);
        Receiver.Request delivery = receiver.requestsContaining("rotate-test").get(0);
        String[] signatures = delivery.standardSignature().split(" ");
        assertThat(signatures).hasSize(2);
        verify("second-secret", delivery, signatures[0]);
        verify("first-secret", delivery, signatures[1]);
        assertThat(api.delete("/api/webhooks/" + id).status()).isEqualTo(204);
    }

    /** Checks one signature of a delivery with the official Standard Webhooks library. */
    private static void verify(String secret, Receiver.Request delivery, String signature) throws Exception {
        HttpHeaders headers = HttpHeaders.of(Map.of("webhook-id", List.of(delivery.webhookId()),
                "webhook-timestamp", List.of(delivery.timestamp()), "webhook-signature", List.of(signature)),
                (name, value) -> true);
        new Webhook(secret.getBytes(StandardCharsets.UTF_8)).verify(delivery.body(), headers);
    }

    private void uploadCertificate(Path file) {
        WebElement textarea = browser.visible(By.cssSelector("[data-field=base64CA] textarea"));
        String before = textarea.getAttribute("value");
        browser.driver().findElement(By.cssSelector("[data-field=base64CA] input[type=file]"))
                .sendKeys(file.toAbsolutePath().toString());
        browser.await(d -> !textarea.getAttribute("value").equals(before));
        assertThat(browser.visible(By.cssSelector("[data-field=base64CA] .file-note")).getText())
                .contains(file.getFileName().toString());
    }

    private void signIn() throws Exception {
        browser.type(By.id("token"), host.adminToken());
        browser.click(By.cssSelector("form.signin button[type=submit]"));
        browser.visible(By.cssSelector("#side-menu a[data-collection=webhooks]"));
        browser.visible(By.cssSelector("#tab-all[aria-selected=true]"));
    }

    private void save() {
        browser.click(By.cssSelector("form.form .form-actions button.button-primary[type=submit]"));
    }

    /** Saves the edit form of a document's page and waits until the page has been drawn again. */
    private void saveAndAwaitReload() {
        WebElement form = browser.visible(By.cssSelector("form.form"));
        save();
        browser.await(ExpectedConditions.stalenessOf(form));
        browser.visible(By.cssSelector("form.form"));
    }

    private void selectTab(String tab) {
        browser.click(By.id("tab-" + tab));
        browser.visible(By.cssSelector("#tab-" + tab + "[aria-selected=true]"));
        browser.await(d -> d.findElements(By.cssSelector("#list-panel[aria-busy]")).isEmpty());
    }

    /** The list's row whose Target column shows exactly {@code target}, once it is there. */
    private WebElement rowWithTarget(String target) {
        return browser.await(d -> d.findElements(By.cssSelector("#list-panel tbody tr")).stream()
                .filter(row -> row.findElements(By.cssSelector("td[data-column=target]")).stream()
                        .anyMatch(cell -> cell.getText().equals(target)))
                .findFirst().orElse(null));
    }

    /** Clicks the deliveries panel's Refresh button until {@code locator} shows up. */
    private WebElement refreshUntil(By locator) {
        return refreshUntil(d -> d.findElements(locator).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    private <T> T refreshUntil(java.util.function.Function<org.openqa.selenium.WebDriver, T> condition) {
        return browser.await(Duration.ofSeconds(30), d -> {
            T found = condition.apply(d);
            if (found == null || Boolean.FALSE.equals(found)) {
                WebElement refresh = d.findElement(By.cssSelector("[data-action=refresh-deliveries]"));
                if (refresh.isEnabled()) {
                    refresh.click();
                }
                return null;
            }
            return found;
        });
    }

    /** Picks the event of the open form, once the catalog has filled its select. */
    private void chooseEvent(String eventName) {
        new Select(browser.await(d -> {
            WebElement select = d.findElement(By.cssSelector("[data-field=eventName] select"));
            return select.isEnabled() ? select : null;
        })).selectByValue(eventName);
    }

    private static By field(String name) {
        return By.cssSelector("[data-field='" + name + "'] input");
    }

    private static By errorOf(String name) {
        return By.cssSelector("[data-field='" + name + "'] .field-error");
    }
}
