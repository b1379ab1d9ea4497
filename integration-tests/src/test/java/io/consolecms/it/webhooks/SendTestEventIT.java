package io.consolecms.it.webhooks;

import static io.consolecms.it.webhooks.WebhooksLifecycleIT.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consolecms.it.Api;
import io.consolecms.it.Api.Reply;
import io.consolecms.it.HostProcess;
import io.consolecms.it.HungTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Send test event" runs on the delivery side, not on the HTTP server's threads: more test events to a hung target than
 * the server has threads (64) leave every other endpoint answering at once, and each test event still answers with its
 * attempt's outcome, the timeout.
 */
class SendTestEventIT {

    /** More than the HTTP server's 64 threads, fewer than the 128 test events the host sends at once. */
    private static final int TEST_EVENTS = 100;
    private static final String EVENT =
            "{\"eventName\":\"service_created\",\"eventTimestamp\":1732780800000,\"payload\":{\"tenantId\":\"acme\"}}";

    @TempDir
    Path tmp;

    @Test
    void testEventsToAHungTargetHoldNoServerThread() throws Exception {
        ExecutorService admins = Executors.newFixedThreadPool(TEST_EVENTS);
        try (HungTarget hung = HungTarget.start();
             HostProcess host = HostProcess.withWebhooksPlugin(tmp)
                     .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                     .env("CMS_WEBHOOKS_TIMEOUT", "10s")) {
            host.start();
            Api api = host.api();
            String webhook = create(api, "{\"eventName\":\"project_created\",\"target\":\"" + hung.url("/hangs")
                    + "\"}");

            // warm-up: the first calls of a fresh host load classes and open connections, which is not what is timed
            for (int i = 0; i < 5; i++) {
                api.get("/health");
                api.publish(EVENT);
                api.get("/api/webhooks/" + webhook);
            }

            List<Future<Reply>> tests = new ArrayList<>();
            for (int i = 0; i < TEST_EVENTS; i++) {
                tests.add(admins.submit(() -> api.post("/api/webhooks/" + webhook + "/test", "")));
            }
            await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(20))
                    .alias("every test event is being sent at once")
                    .until(() -> hung.open() >= TEST_EVENTS);

            // while every one of them hangs, the rest of the API answers as usual
            for (int i = 0; i < 3; i++) {
                assertAnswersWithinASecond(() -> api.get("/health"), 200);
                assertAnswersWithinASecond(() -> api.publish(EVENT), 202);
                assertAnswersWithinASecond(() -> api.get("/api/webhooks/" + webhook), 200);
            }

            for (Future<Reply> test : tests) {
                Reply reply = test.get(60, TimeUnit.SECONDS);
                assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
                assertThat(reply.json().get("succeeded").asBoolean()).isFalse();
                assertThat(reply.json().get("error").asText()).contains("timed out after 10s");
            }
            assertThat(api.get("/api/webhooks/" + webhook + "/deliveries?_l=200&status=failed").json())
                    .hasSize(TEST_EVENTS);
        } finally {
            admins.shutdownNow();
        }
    }

    private interface Call {
        Reply send() throws Exception;
    }

    private static void assertAnswersWithinASecond(Call call, int status) throws Exception {
        long started = System.nanoTime();
        Reply reply = call.send();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(reply.status()).as(reply.toString()).isEqualTo(status);
        assertThat(took).as("answered in " + took.toMillis() + " ms").isLessThan(Duration.ofSeconds(1));
    }
}
