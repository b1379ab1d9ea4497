package io.consolecms.host.events;

import static io.consolecms.host.RunningHost.ADMIN;
import static io.consolecms.host.RunningHost.CORE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consolecms.host.RunningHost;
import io.consolecms.plugin.ConsoleEvent;
import io.consolecms.plugin.EventListener;
import io.consolecms.plugin.EventPublisher;
import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventsTest {

    private static final String EVENT =
            "{\"eventName\":\"project_created\",\"eventTimestamp\":1732780800000,"
                    + "\"payload\":{\"tenantId\":\"acme\",\"projectId\":\"p1\",\"tags\":[\"a\",null]}}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;
    static RunningHost host;
    static final RecordingListener first = new RecordingListener(2);
    static final RecordingListener second = new RecordingListener(1);

    @BeforeAll
    static void start() {
        host = RunningHost.start(home, new ListeningPlugin("first", first), new ListeningPlugin("second", second));
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @BeforeEach
    void reset() {
        first.events.clear();
        second.events.clear();
        first.failure = null;
    }

    @Test
    void acceptsAnEventOnceEveryListenerStoredIt() throws Exception {
        HttpResponse<String> response = host.postJson("/api/events", EVENT, CORE);

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("eventId").asText()).matches("[0-9a-f]{24}");
        assertThat(body.get("deliveries").asInt()).isEqualTo(3);
        assertThat(first.events).singleElement().satisfies(event -> {
            assertThat(event.id()).isEqualTo(body.get("eventId").asText());
            assertThat(event.name()).isEqualTo("project_created");
            assertThat(event.timestamp()).isEqualTo(1732780800000L);
            assertThat(event.jsonText()).isEqualTo(EVENT);
            assertThat(event.payloadString("tenantId")).isEqualTo("acme");
            assertThat(event.payload().get("tags")).isEqualTo(java.util.Arrays.asList("a", null));
            assertThatThrownBy(() -> event.payload().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        });
        assertThat(second.events).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "not JSON                 | {\"eventName\":                                                      | body",
            "an array                 | []                                                                    | body",
            "a string                 | '\"project_created\"'                                                 | body",
            "empty                    | ''                                                                    | body",
            "trailing content         | {\"eventName\":\"a\",\"eventTimestamp\":1,\"payload\":{}} x          | body",
            "duplicate members        | {\"eventName\":\"a\",\"eventName\":\"b\",\"eventTimestamp\":1,\"payload\":{}} | body",
            "no eventName             | {\"eventTimestamp\":1,\"payload\":{}}                                | eventName",
            "upper-case eventName     | {\"eventName\":\"Project\",\"eventTimestamp\":1,\"payload\":{}}      | eventName",
            "numeric eventName        | {\"eventName\":7,\"eventTimestamp\":1,\"payload\":{}}                | eventName",
            "no eventTimestamp        | {\"eventName\":\"a\",\"payload\":{}}                                 | eventTimestamp",
            "string eventTimestamp    | {\"eventName\":\"a\",\"eventTimestamp\":\"1\",\"payload\":{}}        | eventTimestamp",
            "fractional eventTimestamp| {\"eventName\":\"a\",\"eventTimestamp\":1.5,\"payload\":{}}          | eventTimestamp",
            "no payload               | {\"eventName\":\"a\",\"eventTimestamp\":1}                           | payload",
            "array payload            | {\"eventName\":\"a\",\"eventTimestamp\":1,\"payload\":[]}            | payload",
            "null payload             | {\"eventName\":\"a\",\"eventTimestamp\":1,\"payload\":null}          | payload"})
    void rejectsAMalformedEventNamingTheMember(String shape, String json, String member) throws Exception {
        HttpResponse<String> response = host.postJson("/api/events", json, CORE);

        assertThat(response.statusCode()).as(shape).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body()).get("errors").get(0);
        assertThat(error.get("field").asText()).isEqualTo(member);
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(first.events).isEmpty();
    }

    @Test
    void refusesABodyThatIsNotJson() {
        HttpResponse<String> response = host.send(host.request("/api/events", CORE)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(EVENT)).build());

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.body()).contains("errors");
        assertThat(first.events).isEmpty();
    }

    @Test
    void refusesAnEventOverOneMebibyteByItsLength() {
        String big = "{\"eventName\":\"a\",\"eventTimestamp\":1,\"payload\":{\"x\":\""
                + "x".repeat(EventPublisher.MAX_EVENT_BYTES) + "\"}}";

        HttpResponse<String> response = host.postJson("/api/events", big, CORE);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(first.events).isEmpty();
    }

    @Test
    void refusesAChunkedEventOverOneMebibyteWhileReadingIt() {
        byte[] big = ("{\"eventName\":\"a\",\"eventTimestamp\":1,\"payload\":{\"x\":\""
                + "x".repeat(EventPublisher.MAX_EVENT_BYTES) + "\"}}").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = host.send(host.request("/api/events", CORE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(first.events).isEmpty();
    }

    @Test
    void acceptsAChunkedEventWithinTheLimit() {
        byte[] event = EVENT.getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = host.send(host.request("/api/events", CORE)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(event))).build());

        assertThat(response.statusCode()).isEqualTo(202);
    }

    @Test
    void answers503WhenAListenerCannotStoreTheEvent() {
        first.failure = new SQLException("connection refused to secret-db-host");

        HttpResponse<String> response = host.postJson("/api/events", EVENT, CORE);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("{\"errors\":[{\"message\":\"storage unavailable, publish again\"}]}");
    }

    @Test
    void needsTheCoreToken() {
        assertThat(host.postJson("/api/events", EVENT, null).statusCode()).isEqualTo(401);
        assertThat(host.postJson("/api/events", EVENT, ADMIN).statusCode()).isEqualTo(403);
        assertThat(first.events).isEmpty();
    }

    @Test
    void publishingInProcessBehavesLikeHttp() throws Exception {
        EventPublisher events = host.host().events();

        EventPublisher.PublishResult result = events.publish(EVENT.getBytes(StandardCharsets.UTF_8));

        assertThat(result.eventId()).matches("[0-9a-f]{24}");
        assertThat(result.deliveries()).isEqualTo(3);
        assertThat(first.events).singleElement().extracting(ConsoleEvent::jsonText).isEqualTo(EVENT);
        assertThatThrownBy(() -> events.publish("{\"eventName\":\"A\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventPublisher.InvalidEventException.class).hasMessageStartingWith("eventName: ");
        assertThatThrownBy(() -> events.publish(new byte[EventPublisher.MAX_EVENT_BYTES + 1]))
                .isInstanceOfSatisfying(EventPublisher.InvalidEventException.class,
                        e -> assertThat(e.tooLarge()).isTrue());
        first.failure = new SQLException("down");
        assertThatThrownBy(() -> events.publish(EVENT.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventPublisher.EventNotAcceptedException.class);
    }

    /** Stores events in memory and reports a fixed number of deliveries, or fails when told to. */
    static final class RecordingListener implements EventListener {
        final List<ConsoleEvent> events = new CopyOnWriteArrayList<>();
        final int deliveries;
        volatile Exception failure;

        RecordingListener(int deliveries) {
            this.deliveries = deliveries;
        }

        @Override
        public int onEvent(ConsoleEvent event) throws Exception {
            if (failure != null) {
                throw failure;
            }
            events.add(event);
            return deliveries;
        }
    }

    /** A built-in plugin that only listens. */
    record ListeningPlugin(String id, EventListener listener) implements Plugin {
        @Override
        public void start(PluginContext context) {
            context.addEventListener(listener);
        }
    }

}
