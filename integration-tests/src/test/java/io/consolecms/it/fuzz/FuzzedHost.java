package io.consolecms.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.consolecms.it.Api;
import io.consolecms.it.HostProcess;
import io.consolecms.it.Receiver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A host started from the built jars on one database, with a receiver and a few webhooks and deliveries made through
 * the API first, so that generated requests can name ids that exist. Counts the requests the fuzz sent it.
 */
final class FuzzedHost implements AutoCloseable {

    enum Database { H2, POSTGRESQL }

    private static final String ADMIN_TOKEN = "fuzz-admin-token-0123456789";
    private static final String CORE_TOKEN = "fuzz-core-token-0123456789";

    private final Database database;
    private final Path home;
    private final EmbeddedPostgres postgres;
    private final Receiver receiver;
    private final HostProcess host;
    private final MalformedRequests requests;
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicInteger resent = new AtomicInteger();
    private final AtomicLong sendingNanos = new AtomicLong();
    private final long startedAt = System.nanoTime();

    private FuzzedHost(Database database, Path home, EmbeddedPostgres postgres, Receiver receiver, HostProcess host,
                       MalformedRequests requests) {
        this.database = database;
        this.home = home;
        this.postgres = postgres;
        this.receiver = receiver;
        this.host = host;
        this.requests = requests;
    }

    static FuzzedHost start(Database database) throws Exception {
        Path home = Files.createTempDirectory("fuzz-" + database.name().toLowerCase());
        EmbeddedPostgres postgres = database == Database.POSTGRESQL ? EmbeddedPostgres.builder().start() : null;
        Receiver receiver = Receiver.start("s3cret");
        HostProcess host = HostProcess.withWebhooksPlugin(home)
                .env("CMS_ADMIN_TOKEN", ADMIN_TOKEN)
                .env("CMS_CORE_TOKEN", CORE_TOKEN)
                .env("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8")
                .env("CMS_WEBHOOKS_TIMEOUT", "2s")
                .env("CMS_WEBHOOKS_RETRY_SCHEDULE", "1s,1s");
        if (postgres != null) {
            host.env("CMS_DB_URL", postgres.getJdbcUrl("postgres", "postgres"))
                    .env("CMS_DB_USER", "postgres")
                    .env("CMS_DB_PASSWORD", "postgres");
        }
        host.start();
        String target = receiver.url("/fuzz");
        Api api = host.api();
        List<String> webhookIds = new ArrayList<>();
        for (String state : List.of("PUBLIC", "PUBLIC", "PUBLIC", "DRAFT")) {
            Api.Reply created = api.post("/api/webhooks/", "{\"eventName\":\"project_created\",\"target\":\""
                    + target + "\",\"secret\":\"s3cret\",\"__STATE__\":\"" + state + "\"}");
            assertThat(created.status()).as(created.toString()).isIn(200, 201);
            webhookIds.add(created.json().get("_id").asText());
        }
        for (int i = 0; i < 3; i++) {
            Api.Reply published = api.publish("{\"eventName\":\"project_created\",\"eventTimestamp\":" + i
                    + ",\"payload\":{\"tenantId\":\"acme\",\"projectId\":\"p" + i + "\"}}");
            assertThat(published.status()).as(published.toString()).isEqualTo(202);
        }
        List<String> deliveryIds = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            deliveryIds.clear();
            for (String webhook : webhookIds) {
                api.get("/api/webhooks/" + webhook + "/deliveries?_l=100").json()
                        .forEach((JsonNode delivery) -> deliveryIds.add(delivery.get("_id").asText()));
            }
            assertThat(deliveryIds).hasSize(9);
        });
        MalformedRequests requests = new MalformedRequests(webhookIds, deliveryIds, ADMIN_TOKEN, CORE_TOKEN, target);
        return new FuzzedHost(database, home, postgres, receiver, host, requests);
    }

    Database database() {
        return database;
    }

    MalformedRequests requests() {
        return requests;
    }

    URI baseUri() {
        return host.baseUri();
    }

    /** Counts one request sent; answers how many have been. */
    int countSent() {
        return sent.incrementAndGet();
    }

    int sent() {
        return sent.get();
    }

    /** Counts one request sent again because its answer was lost. */
    void countResent() {
        resent.incrementAndGet();
    }

    int resent() {
        return resent.get();
    }

    /** Adds the time a batch took to send and judge, to tell it from the time spent generating. */
    void countSending(Duration took) {
        sendingNanos.addAndGet(took.toNanos());
    }

    Duration sending() {
        return Duration.ofNanos(sendingNanos.get());
    }

    Duration age() {
        return Duration.ofNanos(System.nanoTime() - startedAt);
    }

    /**
     * Why the host no longer answers, when it has stopped: its log's last lines (the log is deleted with the host's
     * folder, so a failure must carry them); {@code null} while it still runs.
     */
    String deathNotice() throws IOException {
        if (host.isAlive()) {
            return null;
        }
        List<String> lines = host.logText().lines().toList();
        return "the host process has exited with " + host.exitCode() + "; the last lines of its log:\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** The host still runs, answers {@code /health}, and logged no error nor stack trace for anything it was sent. */
    void assertStillHealthy() throws IOException, InterruptedException {
        assertThat(host.isAlive()).as("host process alive").isTrue();
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(host.baseUri().resolve("/health")).timeout(RawRequest.TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as("GET /health: " + health.body()).isEqualTo(200);
        List<String> lines = host.logText().lines().toList();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size() && problems.size() < 40; i++) {
            String line = lines.get(i);
            if (line.startsWith("\tat ") && i > 0 && !lines.get(i - 1).startsWith("\tat ")) {
                problems.add(lines.get(i - 1)); // the message the trace belongs to
            }
            if (line.startsWith("\tat ") || line.contains(" ERROR ")) {
                problems.add(line);
            }
        }
        assertThat(problems).as("errors and stack traces in the host's log").isEmpty();
    }

    /** Stops the host and its database, keeps the host's log in the build folder, and deletes the host's folder. */
    @Override
    public void close() throws Exception {
        try (receiver; EmbeddedPostgres ignored = postgres) {
            host.close();
        }
        // the log outlives the folder, to be read after a failure: target/fuzz-h2-host.log, …
        Files.copy(host.log(), Path.of("target", "fuzz-" + database.name().toLowerCase() + "-host.log"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
