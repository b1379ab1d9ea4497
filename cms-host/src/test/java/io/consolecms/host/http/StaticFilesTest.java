package io.consolecms.host.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

class StaticFilesTest {

    private final StaticFiles adminUi = new StaticFiles(StaticFilesTest.class.getClassLoader(), "/admin-ui/");

    @Test
    void servesAFileOfTheFolderWithItsContentType() {
        Response response = adminUi.serve("index.html").orElseThrow();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getMediaType().toString()).startsWith("text/html");
    }

    @Test
    void readsIfNoneMatchAndAcceptEncodingAsRfc9110Says() {
        assertThat(StaticFiles.matches("\"a\"", "\"a\"")).isTrue();
        assertThat(StaticFiles.matches("W/\"a\"", "\"a\"")).isTrue();
        assertThat(StaticFiles.matches("\"b\" , \"a\"", "\"a\"")).isTrue();
        assertThat(StaticFiles.matches("*", "\"a\"")).isTrue();
        assertThat(StaticFiles.matches("\"b\"", "\"a\"")).isFalse();
        assertThat(StaticFiles.matches(null, "\"a\"")).isFalse();
        assertThat(StaticFiles.acceptsGzip("gzip")).isTrue();
        assertThat(StaticFiles.acceptsGzip("br, GZIP;q=0.5")).isTrue();
        assertThat(StaticFiles.acceptsGzip("*")).isTrue();
        assertThat(StaticFiles.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(StaticFiles.acceptsGzip("gzip; q=0.000")).isFalse();
        assertThat(StaticFiles.acceptsGzip("identity")).isFalse();
        assertThat(StaticFiles.acceptsGzip(null)).isFalse();
    }

    @Test
    void knowsTheContentTypesOfTheUi() {
        assertThat(StaticFiles.contentType("app/main.js")).startsWith("text/javascript");
        assertThat(StaticFiles.contentType("style.CSS")).startsWith("text/css");
        assertThat(StaticFiles.contentType("logo.svg")).isEqualTo("image/svg+xml");
        assertThat(StaticFiles.contentType("logo.png")).isEqualTo("image/png");
        assertThat(StaticFiles.contentType("schema.json")).isEqualTo("application/json");
        assertThat(StaticFiles.contentType("page.html")).startsWith("text/html");
        assertThat(StaticFiles.contentType("Main.class")).isNull();
        assertThat(StaticFiles.contentType("folder.d/README")).isNull();
    }

    @Test
    void servesNothingOutsideTheFolderNorUnknownTypes() {
        assertThat(adminUi.serve("../logback.xml")).isEmpty();
        assertThat(adminUi.serve("./index.html")).isEmpty();
        assertThat(adminUi.serve("/index.html")).isEmpty();
        assertThat(adminUi.serve("a//index.html")).isEmpty();
        assertThat(adminUi.serve("..\\index.html")).isEmpty();
        assertThat(adminUi.serve("missing.js")).isEmpty();
        assertThat(new StaticFiles(getClass().getClassLoader(), "io/consolecms").serve("host/Main.class")).isEmpty();
    }

    @Test
    void refusesAFolderThatClimbsOut() {
        assertThatThrownBy(() -> new StaticFiles(getClass().getClassLoader(), "../etc"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StaticFiles(getClass().getClassLoader(), " "))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
