package io.consolecms.it.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.consolecms.it.Api;
import io.consolecms.it.Api.Reply;
import io.consolecms.it.HostProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue-2 journey, from the built jars, through the contract only: manage webhooks, publish events, see the
 * matching pending deliveries, and find everything again after a restart on the same data folder.
 */
class WebhooksLifecycleIT {

    @TempDir
    Path tmp;

    @Test
    void managesWebhooksMatchesEventsAndKeepsEverythingAcrossARestart() throws Exception {
        // Nothing listens on this port and the first retry is an hour away: deliveries stay pending.
        int deadPort = HostProcess.freePort();
        String target = "http://127.0.0.1:" + deadPort + "/hook";
        HostProcess host = HostProcess.withWebhooksPlugin(tmp)
                .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                .env("CMS_WEBHOOKS_RETRY_SCHEDULE", "1h");
        try (host) {
            host.start();
            Api api = host.api();

            Reply invalid = api.post("/api/webhooks/",
                    "{\"eventName\":\"no_such_event\",\"target\":\"ftp://x\",\"tenantId\":\"-bad\",\"secret\":\"\"}");
            assertThat(invalid.status()).isEqualTo(400);
            assertThat(fields(invalid.json())).contains("eventName", "target", "tenantId", "secret");

            String instance = create(api, "{\"eventName\":\"project_created\",\"target\":\"" + target + "\"}");
            String company = create(api, "{\"eventName\":\"project_created\",\"target\":\"" + target
                    + "\",\"tenantId\":\"acme\",\"secret\":\"s3cr3t\"}");
            String project = create(api, "{\"eventName\":\"project_created\",\"target\":\"" + target
                    + "\",\"tenantId\":\"acme\",\"projectId\":\"p1\"}");
            String otherCompany = create(api, "{\"eventName\":\"project_created\",\"target\":\"" + target
                    + "\",\"tenantId\":\"globex\"}");
            String draft = create(api, "{\"eventName\":\"project_created\",\"target\":\"" + target
                    + "\",\"__STATE__\":\"DRAFT\"}");
            String userHook = create(api, "{\"eventName\":\"company_user_added\",\"target\":\"" + target
                    + "\",\"tenantId\":\"acme\"}");

            JsonNode companyDoc = api.get("/api/webhooks/" + company).json();
            assertThat(companyDoc.get("hasSecret").asBoolean()).isTrue();
            assertThat(companyDoc.has("secret")).isFalse();
            assertThat(api.get("/api/webhooks/").text()).doesNotContain("s3cr3t");
            assertThat(api.get("/api/webhooks/count?tenantId=acme").text().trim()).isEqualTo("3");

            Reply patched = api.patch("/api/webhooks/" + project,
                    "{\"$set\":{\"proxy.url\":\"http://proxy.internal:3128\"}}");
            assertThat(patched.status()).isEqualTo(200);
            assertThat(patched.json().at("/proxy/url").asText()).isEqualTo("http://proxy.internal:3128");
            assertThat(api.patch("/api/webhooks/" + project, "{\"$unset\":{\"proxy\":true}}").json().has("proxy"))
                    .isFalse();

            assertThat(api.post("/api/webhooks/" + otherCompany + "/state", "{\"stateTo\":\"TRASH\"}").status())
                    .isEqualTo(204);
            assertThat(api.post("/api/webhooks/" + otherCompany + "/state", "{\"stateTo\":\"PUBLIC\"}").status())
                    .isEqualTo(400);

            Reply published = api.publish("{\"eventName\":\"project_created\",\"eventTimestamp\":1732780800000,"
                    + "\"payload\":{\"tenantId\":\"acme\",\"projectId\":\"p1\"}}");
            assertThat(published.status()).isEqualTo(202);
            // instance + company + project; not the other company's (trashed anyway), not the draft
            assertThat(published.json().get("deliveries").asInt()).isEqualTo(3);

            Reply newerUserEvent = api.publish("{\"eventName\":\"company_user_added\",\"eventTimestamp\":1,"
                    + "\"payload\":{\"userId\":\"u1\",\"email\":\"a@b.c\",\"roleId\":\"r\",\"groupId\":\"g\","
                    + "\"resource\":{\"companyId\":\"acme\"}}}");
            assertThat(newerUserEvent.json().get("deliveries").asInt()).isEqualTo(1);

            assertThat(api.publish("{\"eventName\":\"Bad Name\",\"eventTimestamp\":1,\"payload\":{}}").status())
                    .isEqualTo(400);

            for (String id : List.of(instance, company, project, userHook)) {
                JsonNode deliveries = api.get("/api/webhooks/" + id + "/deliveries").json();
                assertThat(deliveries).as("deliveries of %s", id).hasSize(1);
                assertThat(deliveries.get(0).get("status").asText()).isEqualTo("pending");
            }
            assertThat(api.get("/api/webhooks/" + draft + "/deliveries").json()).isEmpty();
            assertThat(api.get("/api/webhooks/" + otherCompany + "/deliveries").json()).isEmpty();

            assertThat(host.stop()).isZero();
            host.start();
            Api again = host.api();
            assertThat(again.get("/api/webhooks/?_st=PUBLIC,DRAFT,TRASH").json()).hasSize(6);
            assertThat(again.get("/api/webhooks/" + company).json().get("hasSecret").asBoolean()).isTrue();
            assertThat(again.get("/api/webhooks/" + instance + "/deliveries").json()).hasSize(1);

            assertThat(again.delete("/api/webhooks/" + draft).status()).isEqualTo(204);
            assertThat(again.get("/api/webhooks/" + draft).status()).isEqualTo(404);
            assertThat(host.logText()).doesNotContain("s3cr3t");
        }
    }

    @Test
    void eachPublishedEventIsStoredBeforeTheAnswerAndSurvivesAKill() throws Exception {
        HostProcess host = HostProcess.withWebhooksPlugin(tmp)
                .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                .env("CMS_WEBHOOKS_RETRY_SCHEDULE", "1h");
        try (host) {
            host.start();
            Api api = host.api();
            String id = create(api, "{\"eventName\":\"service_created\",\"target\":\"http://127.0.0.1:"
                    + HostProcess.freePort() + "/\"}");
            List<String> eventIds = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Reply reply = api.publish("{\"eventName\":\"service_created\",\"eventTimestamp\":" + i
                        + ",\"payload\":{\"tenantId\":\"t\",\"projectId\":\"p\",\"serviceName\":\"s" + i + "\"}}");
                assertThat(reply.status()).isEqualTo(202);
                eventIds.add(reply.json().get("eventId").asText());
            }
            host.kill();
            host.start();
            Api again = host.api();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(again.get("/api/webhooks/" + id + "/deliveries?_l=100").json()).hasSize(20));
            List<String> stored = new ArrayList<>();
            again.get("/api/webhooks/" + id + "/deliveries?_l=100").json()
                    .forEach(delivery -> stored.add(delivery.get("eventId").asText()));
            assertThat(stored).containsExactlyInAnyOrderElementsOf(eventIds);
        }
    }

    static String create(Api api, String json) {
        Reply reply = api.post("/api/webhooks/", json);
        assertThat(reply.status()).as(reply.toString()).isIn(200, 201);
        return reply.json().get("_id").asText();
    }

    static List<String> fields(JsonNode errors) {
        List<String> names = new ArrayList<>();
        errors.get("errors").forEach(error -> names.add(error.path("field").asText()));
        return names;
    }
}
