package io.consolecms.it.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.logging.LogEntry;

/** A browser test: a fresh Chromium per test, closed after it, and a test fails on any error in the browser console. */
abstract class BrowserTest {

    protected Browser browser;

    @BeforeEach
    void startBrowser(@TempDir Path profile) {
        browser = Browser.start(profile);
    }

    @AfterEach
    void noErrorInTheConsoleThenCloseBrowser() {
        try {
            List<String> errors = browser.consoleErrors().stream().map(LogEntry::getMessage)
                    .filter(message -> !expectedError(message)).toList();
            assertThat(errors).as("SEVERE entries in the browser console").isEmpty();
        } finally {
            browser.close();
        }
    }

    /** Whether an error in the console is one the test provokes on purpose. */
    protected boolean expectedError(String message) {
        return false;
    }
}
