package io.consolecms.it.webhooks;

import static io.consolecms.it.webhooks.WebhooksLifecycleIT.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consolecms.it.Api;
import io.consolecms.it.Api.Reply;
import io.consolecms.it.HostProcess;
import io.consolecms.it.HungTarget;
import io.consolecms.it.Receiver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a host holds in memory is bounded in bytes of event bodies as well as in deliveries: a burst of large events
 * to a target that hangs waits in the database instead of filling the heap. Before that bound, a host with a 256 MiB
 * heap accepted about 190 such events, then ran out of memory, its database closed, and every later publish got 503.
 */
class LargeEventsIT {

    /** 400 events of 900 KiB: about 350 MiB of bodies, more than the host's whole heap. */
    private static final int LARGE_EVENTS = 400;
    private static final int PAD_BYTES = 900 * 1024;

    @TempDir
    Path tmp;

    @Test
    void aBurstOfLargeEventsToAHungTargetWaitsInTheDatabaseAndTheHostServesTheOthers() throws Exception {
        try (HungTarget hung = HungTarget.start();
             Receiver healthy = Receiver.start(null);
             HostProcess host = smallHeapHost()) {
            host.start();
            Api api = host.api();
            String hungWebhook = create(api, "{\"eventName\":\"service_created\",\"target\":\"" + hung.url("/hangs")
                    + "\"}");
            create(api, "{\"eventName\":\"project_created\",\"target\":\"" + healthy.url("/healthy") + "\"}");

            publishLargeEvents(api);

            assertThat(host.isAlive()).isTrue();
            assertThat(api.get("/health").status()).isEqualTo(200);
            assertThat(hung.open()).as("attempts hanging on the hung target").isPositive();
            for (int i = 0; i < 5; i++) {
                Reply reply = api.publish("{\"eventName\":\"project_created\",\"eventTimestamp\":" + i
                        + ",\"payload\":{\"tenantId\":\"acme\",\"projectId\":\"small-" + i + "\"}}");
                assertThat(reply.status()).as(reply.toString()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .alias("the healthy target's five events arrive while the hung one hangs")
                    .until(() -> healthy.requests().size() >= 5);
            assertThat(api.get("/api/webhooks/" + hungWebhook + "/deliveries?status=pending&_l=1").json())
                    .as("the hung target's deliveries wait").isNotEmpty();
            assertThat(host.logText()).doesNotContain("OutOfMemoryError").doesNotContain("database has been closed");
        }
    }

    /**
     * The same burst to a target that answers slowly while it comes, then at once: the deliveries that waited in the
     * database are read back as room frees up, never more event bodies at a time than the host may hold. Before, a
     * claim read as many rows as the target had places (up to 500) with their bodies in one result, and the host ran
     * out of memory while the events were still being published; its database closed, and nothing more was delivered.
     */
    @Test
    void aBacklogOfLargeEventsIsReadBackWithinTheHeapAndAllOfItArrives() throws Exception {
        try (Receiver slow = Receiver.start(null).delay(Duration.ofSeconds(2));
             HostProcess host = smallHeapHost()) {
            host.start();
            Api api = host.api();
            create(api, "{\"eventName\":\"service_created\",\"target\":\"" + slow.url("/slow") + "\"}");

            publishLargeEvents(api);
            slow.delay(Duration.ZERO);

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .alias("every large event arrives")
                    .until(() -> slow.requests().stream().map(request -> request.header("webhook-id")).distinct()
                            .count() >= LARGE_EVENTS || !host.isAlive());
            assertThat(host.isAlive()).isTrue();
            assertThat(api.get("/health").status()).isEqualTo(200);
            assertThat(host.logText()).doesNotContain("OutOfMemory").doesNotContain("Out of memory")
                    .doesNotContain("database has been closed");
        }
    }

    /** A host with a 256 MiB heap, less than the burst's bodies, and attempts that may wait a minute. */
    private HostProcess smallHeapHost() throws IOException {
        return HostProcess.withWebhooksPlugin(tmp)
                .jvmOptions("-Xmx256m")
                .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                .env("CMS_WEBHOOKS_TIMEOUT", "60s");
    }

    /** Publishes the large events from several threads: every one must be acknowledged (202). */
    private static void publishLargeEvents(Api api) throws Exception {
        String pad = "x".repeat(PAD_BYTES);
        ExecutorService publishers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < LARGE_EVENTS; i++) {
                String event = "{\"eventName\":\"service_created\",\"eventTimestamp\":" + i + ",\"payload\":"
                        + "{\"tenantId\":\"acme\",\"serviceName\":\"s" + i + "\",\"pad\":\"" + pad + "\"}}";
                replies.add(publishers.submit(() -> api.publish(event)));
            }
            int accepted = 0;
            for (Future<Reply> reply : replies) {
                assertThat(reply.get().status()).as("event %d of %d: %s", accepted, LARGE_EVENTS,
                        reply.get().status()).isEqualTo(202);
                accepted++;
            }
        } finally {
            publishers.shutdownNow();
        }
    }
}
