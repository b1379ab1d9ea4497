package io.consolecms.webhooks.delivery;

import static io.consolecms.webhooks.delivery.Events.projectCreated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.consolecms.plugin.ConsoleEvent;
import io.consolecms.webhooks.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delivery side's SQL on a real PostgreSQL, the production database: same behaviour as on H2. */
class PostgresDeliveryTest {

    private static TestPostgres postgres;
    private DeliveryDatabase db;
    private GroupCommit writer;
    private EventIngest ingest;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @AfterEach
    void stopWriter() {
        writer.close();
    }

    @BeforeEach
    void freshDatabase() throws SQLException {
        db = new DeliveryDatabase(postgres.newDatabase());
        writer = new GroupCommit(db.dataSource);
        ingest = new EventIngest(writer, new DatabaseOnly(), Clock.systemUTC());
    }

    @Test
    void matchesByScopeAndStoresTheEventBytesOrNothing() throws Exception {
        String instance = db.webhook("project_created", "http://a.test/").insert();
        String company = db.webhook("project_created", "http://b.test/").tenant("acme").insert();
        db.webhook("project_created", "http://c.test/").tenant("acme").project("p2").insert();
        db.webhook("project_created", "http://d.test/").state("DRAFT").insert();
        ConsoleEvent event = projectCreated("acme", "p1");

        assertThat(ingest.onEvent(event)).isEqualTo(2);

        assertThat(db.deliveredWebhooks(event.id())).containsExactlyInAnyOrder(instance, company);
        assertThat((byte[]) db.rows("SELECT body FROM webhook_events").get(0).get("body")).isEqualTo(event.json());

        db.update("DELETE FROM webhook_deliveries");
        db.update("ALTER TABLE webhook_deliveries ADD CONSTRAINT one_delivery_per_event UNIQUE (event_id)");
        ConsoleEvent failing = projectCreated("acme", "p9");
        assertThatThrownBy(() -> ingest.onEvent(failing)).isInstanceOf(SQLException.class);
        assertThat(db.rows("SELECT id FROM webhook_events WHERE id = ?", failing.id())).isEmpty();
    }

    @Test
    void aClaimReadsNoMoreEventBodiesThanItMayButAlwaysOneDelivery() throws Exception {
        db.webhook("project_created", "http://a.test/").insert();
        for (int i = 0; i < 10; i++) {
            ingest.onEvent(projectCreated("acme", "p" + i));
        }
        Outbox outbox = new Outbox(db.dataSource, Clock.systemUTC());
        assertThat(outbox.claimsWithoutLeases()).as("several hosts may open PostgreSQL: claims lease").isFalse();
        Duration lease = Duration.ofMinutes(1);
        long body = TargetQueues.bytes(outbox.claim("peek", 1, Duration.ZERO, Set.of()).get(0));

        // the claim stops at the budget: the rows read beyond are neither leased nor loaded
        assertThat(outbox.claim("me", 10, lease, Set.of(), 2 * body + 1, writer)).hasSize(3);
        assertThat(outbox.claim("me", 10, lease, Set.of(), 2 * body)).hasSize(2);
        assertThat(outbox.claim("me", 10, lease, Set.of(), 1)).hasSize(1);
        assertThat(outbox.claim("me", 10, lease, Set.of())).hasSize(4);
    }

    @Test
    void hostsClaimingAtOnceNeverClaimTheSameDelivery() throws Exception {
        for (int i = 0; i < 10; i++) {
            db.webhook("project_created", "http://h" + i + ".test/").insert();
        }
        for (int i = 0; i < 6; i++) {
            ingest.onEvent(projectCreated("acme", "p" + i));
        }
        ExecutorService hosts = Executors.newFixedThreadPool(3);
        List<Future<List<String>>> claims = new ArrayList<>();
        for (String owner : List.of("host-a", "host-b", "host-c")) {
            Outbox outbox = new Outbox(db.dataSource, Clock.systemUTC());
            claims.add(hosts.submit(() -> {
                List<String> mine = new ArrayList<>();
                List<ClaimedDelivery> batch;
                while (!(batch = outbox.claim(owner, 7, Duration.ofMinutes(1), Set.of())).isEmpty()) {
                    batch.forEach(delivery -> mine.add(delivery.id()));
                }
                return mine;
            }));
        }
        List<String> all = new ArrayList<>();
        for (Future<List<String>> claim : claims) {
            all.addAll(claim.get());
        }
        hosts.shutdown();

        assertThat(all).hasSize(60).doesNotHaveDuplicates();
    }

    /** Two attempts, 50 ms apart; a 5 s timeout, so a 20 s lease. */
    private static DeliverySettings oneRetryAfter50Ms() {
        return new DeliverySettings(new RetrySchedule(List.of(Duration.ofMillis(50))), Duration.ofSeconds(5),
                List.of(), List.of(), 4, 2, 100, 10, Duration.ofSeconds(30), Duration.ofDays(5),
                DeliverySettings.DEFAULT_RETENTION);
    }

    @Test
    void retriesUntilSuccessAndListsTheDelivery() throws Exception {
        try (ScriptedReceiver receiver = ScriptedReceiver.answering(500, 200)) {
            String webhook = db.webhook("project_created", receiver.url()).insert();
            DeliverySettings settings = oneRetryAfter50Ms();
            try (Dispatcher dispatcher = new Dispatcher(new Outbox(db.dataSource, Clock.systemUTC()), writer,
                    LoopbackSender.create(settings.timeout()), settings,
                    new DeliveryMetrics(new SimpleMeterRegistry()))) {
                EventIngest live = new EventIngest(writer, dispatcher, Clock.systemUTC());
                dispatcher.start();
                live.onEvent(projectCreated("acme", "p1"));
                await().atMost(Duration.ofSeconds(5)).until(() ->
                        "succeeded".equals(db.deliveriesOf(webhook).get(0).get("status")));
            }
            String deliveryId = (String) db.deliveriesOf(webhook).get(0).get("id");
            assertThat(receiver.requests()).hasSize(2);
            assertThat(db.webhookRow(webhook)).containsEntry("last_delivery_status", "succeeded");

            DeliveryLog log = new DeliveryLog(db.dataSource, Clock.systemUTC());
            assertThat(log.list(webhook, DeliveryStatus.SUCCEEDED, 10, 0)).singleElement()
                    .satisfies(view -> assertThat(view.attempts()).isEqualTo(2));
            assertThat(log.find(deliveryId).orElseThrow().attempts()).hasSize(2);
            assertThat(log.redeliver(deliveryId)).isTrue();
            assertThat(new BulkRedelivery(db.dataSource, writer, () -> { }, Clock.systemUTC()).redeliver(
                    new RedeliveryFilter(java.time.Instant.EPOCH, java.time.Instant.now().plusSeconds(60),
                            DeliveryStatus.FAILED, null, webhook), false))
                    .as("the redelivered delivery is pending, no longer failed").isZero();
        }
    }
    /**
     * {@code dataSource}, except that the first commit of the writer's thread made once {@code when} holds returns
     * only when {@code resume} opens (or after 20 s): what it stored is committed, and the writer has not yet told
     * anyone. {@code stalled} opens then.
     */
    private static DataSource stallingAfterCommit(DataSource dataSource, BooleanSupplier when, CountDownLatch stalled,
                                                  CountDownLatch resume) {
        AtomicBoolean once = new AtomicBoolean();
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(dataSource, method, args);
                    if (!(result instanceof Connection connection)) {
                        return result;
                    }
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (connectionProxy, call, callArgs) -> {
                                Object answer = invoke(connection, call, callArgs);
                                if (call.getName().equals("commit")
                                        && "webhooks-writer".equals(Thread.currentThread().getName())
                                        && when.getAsBoolean() && once.compareAndSet(false, true)) {
                                    stalled.countDown();
                                    resume.await(20, TimeUnit.SECONDS);
                                }
                                return answer;
                            });
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException thrown) {
            throw thrown.getCause();
        }
    }

    @Test
    void aDeliveryClaimedAgainBeforeTheWriterSaysItsOutcomeIsStoredIsAttemptedWithoutWaitingForItsLease()
            throws Exception {
        // on PostgreSQL claims commit on their own, not in the writer's transactions: between the commit of an
        // outcome and the writer's word of it, a claim may bring the delivery back while this host still holds it
        try (ScriptedReceiver receiver = ScriptedReceiver.answering(500, 200)) {
            // the first commit after the first attempt is made: the one that stores its outcome
            CountDownLatch stalled = new CountDownLatch(1);
            CountDownLatch resume = new CountDownLatch(1);
            writer.close();
            writer = new GroupCommit(stallingAfterCommit(db.dataSource, () -> !receiver.requests().isEmpty(),
                    stalled, resume));
            String webhook = db.webhook("project_created", receiver.url()).insert();
            DeliverySettings settings = oneRetryAfter50Ms();
            try (Dispatcher dispatcher = new Dispatcher(new Outbox(db.dataSource, Clock.systemUTC()), writer,
                    LoopbackSender.create(settings.timeout()), settings,
                    new DeliveryMetrics(new SimpleMeterRegistry()), Clock.systemUTC(), Duration.ofMinutes(10))) {
                EventIngest live = new EventIngest(writer, dispatcher, Clock.systemUTC());
                dispatcher.start();
                live.onEvent(projectCreated("acme", "p1"));
                String deliveryId = (String) db.deliveriesOf(webhook).get(0).get("id");
                try {
                    assertThat(stalled.await(5, TimeUnit.SECONDS)).as("the failed attempt was stored").isTrue();
                    assertThat(db.delivery(deliveryId)).containsEntry("status", "pending")
                            .containsEntry("lease_owner", null);
                    // its retry falls due 50 ms later and is claimed while the writer still stalls
                    await().atMost(Duration.ofSeconds(3)).until(() -> {
                        dispatcher.wake();
                        return db.delivery(deliveryId).get("lease_owner") != null;
                    });
                    assertThat(receiver.requests()).hasSize(1);
                } finally {
                    resume.countDown();
                }

                // its lease lasts 20 s: given back once the host forgets the first attempt, it is claimed again
                await().atMost(Duration.ofSeconds(5)).until(() -> "succeeded".equals(db.delivery(deliveryId).get("status")));
                assertThat(receiver.requests()).hasSize(2);
                assertThat(db.delivery(deliveryId)).containsEntry("attempts", 2).containsEntry("lease_owner", null);
            }
        }
    }
}
