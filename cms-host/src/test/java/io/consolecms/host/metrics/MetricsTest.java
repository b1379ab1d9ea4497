package io.consolecms.host.metrics;

import static io.consolecms.host.RunningHost.ADMIN;
import static io.consolecms.host.RunningHost.CORE;
import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.host.RunningHost;
import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;
import io.micrometer.core.instrument.Counter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} of a real host: who may read it, and what it shows. */
class MetricsTest {

    private static final String METRICS_TOKEN = "metrics-token-for-tests-0123456";

    @TempDir
    static Path home;
    static RunningHost host;

    @BeforeAll
    static void start() {
        Map<String, String> environment = RunningHost.environment(home);
        environment.put("CMS_METRICS_TOKEN", METRICS_TOKEN);
        host = RunningHost.start(environment, new CountingPlugin());
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @Test
    void answersTheAdministratorsAndTheMetricsTokenInPrometheusTextFormat() {
        for (String token : new String[] {ADMIN, METRICS_TOKEN}) {
            HttpResponse<String> scrape = host.get("/metrics", token);
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                    .startsWith("text/plain").contains("version=0.0.4"));
            assertThat(scrape.body()).contains("# TYPE jvm_memory_used_bytes gauge");
        }
    }

    @Test
    void answers401WithoutAValidToken() {
        for (String token : new String[] {null, CORE, "not-a-token-of-this-host-at-all", ADMIN + "x"}) {
            HttpResponse<String> scrape = host.get("/metrics", token);
            assertThat(scrape.statusCode()).as("token %s", token).isEqualTo(401);
            assertThat(scrape.headers().firstValue("WWW-Authenticate")).contains("Bearer");
            assertThat(scrape.body()).contains("\"errors\"").doesNotContain("jvm_");
        }
    }

    @Test
    void theMetricsTokenOpensNothingElse() {
        assertThat(host.get("/api/plugins", METRICS_TOKEN).statusCode()).isEqualTo(403);
        assertThat(host.postJson("/api/events", "{\"eventName\":\"project_created\",\"eventTimestamp\":1,"
                + "\"payload\":{}}", METRICS_TOKEN).statusCode()).isEqualTo(403);
    }

    @Test
    void showsThePoolTheHttpServerAndThePluginsOwnMeters() {
        host.get("/health", null);
        String body = host.get("/metrics", ADMIN).body();
        assertThat(body).contains("hikaricp_connections_max{pool=\"cms-db\"} 16.0",
                "jetty_threads_config_max", "jetty_connections_", "jetty_server_requests_seconds_count{",
                "status=\"200\"", "sample_pings_total 3.0");
    }

    @Test
    void countsReceivedEventsByNameAndBoundsTheNames() {
        for (int i = 0; i < 3; i++) {
            publish("project_created");
        }
        for (int i = 0; i < 110; i++) {
            publish("made_up_" + i);
        }
        String body = host.get("/metrics", ADMIN).body();
        assertThat(value(body, "console_events_received_total{event_name=\"project_created\"}")).isEqualTo(3.0);
        assertThat(Pattern.compile("^console_events_received_total\\{", Pattern.MULTILINE).matcher(body).results()
                .count()).isEqualTo(101); // 100 names and the rest
        // project_created and made_up_0 to made_up_98 take the 100 series; the 11 names after them count together
        assertThat(value(body, "console_events_received_total{event_name=\"_other\"}")).isEqualTo(11.0);
        assertThat(body).doesNotContain("made_up_109");
    }

    private static void publish(String name) {
        assertThat(host.postJson("/api/events", "{\"eventName\":\"" + name + "\",\"eventTimestamp\":1,"
                + "\"payload\":{}}", CORE).statusCode()).isEqualTo(202);
    }

    /** The value of one series of a scrape. */
    static double value(String scrape, String series) {
        Matcher line = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        assertThat(line.find()).as("series %s in the scrape", series).isTrue();
        return Double.parseDouble(line.group(1));
    }

    /** A plugin that registers a meter of its own in the host's registry. */
    static final class CountingPlugin implements Plugin {
        @Override
        public String id() {
            return "sample";
        }

        @Override
        public void start(PluginContext context) {
            Counter.builder("sample.pings").register(context.meterRegistry()).increment(3);
        }
    }
}
