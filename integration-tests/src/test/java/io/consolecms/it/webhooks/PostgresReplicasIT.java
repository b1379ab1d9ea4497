package io.consolecms.it.webhooks;

import static io.consolecms.it.webhooks.WebhooksLifecycleIT.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consolecms.it.Api;
import io.consolecms.it.HostProcess;
import io.consolecms.it.Receiver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Production shape: two host processes (replicas) on one real PostgreSQL. Webhooks made through one are served by
 * both; events published to either are each delivered once, and a replica killed mid-way leaves its share to the
 * other.
 */
class PostgresReplicasIT {

    @TempDir
    Path tmp;

    @Test
    void twoReplicasOnOnePostgresDeliverEveryEventAndSurviveTheLossOfOne() throws Exception {
        int events = 40;
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
             Receiver receiver = Receiver.start("replica-secret")) {
            String url = postgres.getJdbcUrl("postgres", "postgres");
            HostProcess first = replica(url);
            HostProcess second = replica(url);
            try (first; second) {
                first.start();
                second.start();
                Api one = first.api();
                Api two = second.api();
                String webhook = create(one, "{\"eventName\":\"configuration_saved\",\"target\":\""
                        + receiver.url("/replicas") + "\",\"secret\":\"replica-secret\"}");
                assertThat(two.get("/api/webhooks/" + webhook).status()).isEqualTo(200);

                for (int i = 0; i < events; i++) {
                    Api api = i % 2 == 0 && first.isAlive() ? one : two;
                    assertThat(api.publish(event(i)).json().get("deliveries").asInt()).isEqualTo(1);
                    if (i == events / 2) {
                        first.kill();
                    }
                }
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(bodies(receiver)).hasSize(events));
                assertThat(receiver.requests()).allMatch(Receiver.Request::signatureValid);
                // an attempt the killed replica made but could not record is recorded once its lease expires
                // (2 x timeout + 10 s), after the other replica has made it again: receivers de-duplicate on webhook-id
                await().atMost(Duration.ofSeconds(40)).untilAsserted(() ->
                        assertThat(two.get("/api/webhooks/" + webhook + "/deliveries?status=succeeded&_l=100").json())
                                .hasSize(events));
            }
        }
    }

    private HostProcess replica(String url) throws Exception {
        return HostProcess.withWebhooksPlugin(tmp)
                .env("CMS_DB_URL", url)
                .env("CMS_DB_USER", "postgres")
                .env("CMS_DB_PASSWORD", "postgres")
                .env("CMS_ADMIN_TOKEN", "admin-token-shared-by-replicas")
                .env("CMS_CORE_TOKEN", "core-token-shared-by-replicas")
                // replicas read each other's sealed secrets: they share the key, as they share the tokens
                .env("CMS_SECRET_KEY", "c2hhcmVkLWJ5LXJlcGxpY2FzLWFuZC0zMi1ieXRlcyE=")
                .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                .env("CMS_WEBHOOKS_TIMEOUT", "2s")
                .env("CMS_WEBHOOKS_RETRY_SCHEDULE", "1s,1s,1s,1s,1s");
    }

    private static String event(int i) {
        return "{\"eventName\":\"configuration_saved\",\"eventTimestamp\":" + i + ",\"payload\":{\"tenantId\":\"t\","
                + "\"projectId\":\"p\",\"revisionName\":\"main\",\"savedChangesId\":\"c" + i + "\","
                + "\"previousChangesId\":\"c\",\"author\":{\"id\":\"u\",\"name\":\"U\"}}}";
    }

    private static Set<String> bodies(Receiver receiver) {
        return receiver.requests().stream().map(Receiver.Request::bodyText).collect(Collectors.toSet());
    }
}
