package io.consolecms.host.http;

import static io.consolecms.host.RunningHost.ADMIN;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consolecms.host.RunningHost;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * A request target Jetty takes but {@link URI} does not gets a JSON 400 that names the part at fault, and no stack
 * trace in the log. Sent over a raw socket: java.net.http refuses to send such a target at all.
 */
class RequestTargetCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @RegisterExtension
    final CapturedLog log = new CapturedLog();

    @BeforeAll
    static void routeJerseyLoggingToLogback() {
        // As Main does: Jersey logs through java.util.logging, and its stack trace went there.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    @Test
    void aMalformedEscapeInTheQueryGetsAJson400NamingTheQueryAndNoStackTrace() throws Exception {
        try (RunningHost host = RunningHost.start(home)) {
            String answer = send(host.host().baseUri(), "/api/webhooks?_l=%zz");

            assertThat(answer).startsWith("HTTP/1.1 400 ");
            assertThat(head(answer)).containsIgnoringCase("Content-Type: application/json");
            JsonNode errors = JSON.readTree(body(answer)).get("errors");
            assertThat(errors).as(answer).isNotNull().hasSize(1);
            assertThat(errors.get(0).toString()).contains("query");
            assertThat(body(answer)).doesNotContain("\tat ");

            // The host is fine afterwards, and a valid escape still passes the check.
            assertThat(send(host.host().baseUri(), "/health?x=%41")).startsWith("HTTP/1.1 200 ");
            assertThat(log.events()).as("logged events")
                    .noneMatch(event -> event.getThrowableProxy() != null)
                    .noneMatch(event -> event.getFormattedMessage().contains("URISyntaxException"));
        }
    }

    /** One request with this target, written as it is; answers everything the host wrote before closing. */
    private static String send(URI base, String target) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + ADMIN + "\r\nConnection: close\r\n\r\n").getBytes(US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), UTF_8);
        }
    }

    private static String head(String answer) {
        return answer.substring(0, answer.indexOf("\r\n\r\n"));
    }

    /** The JSON document of the answer, whether sent with a length or in chunks. */
    private static String body(String answer) {
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        return body.substring(body.indexOf('{'), body.lastIndexOf('}') + 1);
    }
}
