package io.consolecms.webhooks.delivery;

import static io.consolecms.webhooks.delivery.Events.projectCreated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consolecms.plugin.ConsoleEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DispatcherTest {

    private static final RetrySchedule FAST = new RetrySchedule(List.of(Duration.ofMillis(50), Duration.ofMillis(50)));
    /** Long enough that only wake-ups and the dispatcher's own retry timing can make a test pass in time. */
    private static final Duration NO_SCAN = Duration.ofMinutes(10);

    private final DeliveryDatabase db = new DeliveryDatabase();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Dispatcher dispatcher;
    /** Before the dispatcher starts, events wait in the database, as they do after a restart. */
    private final GroupCommit writer = new GroupCommit(db.dataSource);
    private EventIngest ingest = new EventIngest(writer, new DatabaseOnly(), Clock.systemUTC());

    @AfterEach
    void closeEverything() throws Exception {
        if (dispatcher != null) {
            dispatcher.close();
        }
        writer.close();
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    private ScriptedReceiver receiver(ScriptedReceiver receiver) {
        open.add(receiver);
        return receiver;
    }

    private void startDispatcher(DeliverySettings settings) {
        startDispatcher(settings, NO_SCAN);
    }

    private void startDispatcher(DeliverySettings settings, Duration scanInterval) {
        startDispatcher(settings, scanInterval, Clock.systemUTC());
    }

    private void startDispatcher(DeliverySettings settings, Duration scanInterval, Clock clock) {
        startDispatcher(settings, scanInterval, clock, new Outbox(db.dataSource, Clock.systemUTC()));
    }

    private void startDispatcher(DeliverySettings settings, Duration scanInterval, Clock clock, Outbox outbox) {
        DeliverySender sender = LoopbackSender.create(settings.timeout());
        open.add(sender);
        dispatcher = new Dispatcher(outbox, writer, sender, settings, new DeliveryMetrics(meters), clock,
                scanInterval);
        dispatcher.start();
        ingest = new EventIngest(writer, dispatcher, Clock.systemUTC());
    }

    private static DeliverySettings settings(RetrySchedule schedule, Duration timeout, int workers, int perTarget) {
        return new DeliverySettings(schedule, timeout, List.of(), List.of(), workers, perTarget, 100, 10,
                Duration.ofSeconds(30), Duration.ofDays(5), DeliverySettings.DEFAULT_RETENTION);
    }

    private static DeliverySettings fast() {
        return settings(FAST, Duration.ofSeconds(5), 4, 2);
    }

    private String onlyDelivery(String webhookId) {
        List<Map<String, Object>> deliveries = db.deliveriesOf(webhookId);
        assertThat(deliveries).hasSize(1);
        return (String) deliveries.get(0).get("id");
    }

    @Test
    void deliversFromMemoryAtOnceWithoutWaitingForAScanSignedAsTheContractSays() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.answering(200));
        // the contract's test vector: body "Hello World!", secret "It's a Secret to Everybody"
        String webhook = db.webhook("project_created", receiver.url()).secret("It's a Secret to Everybody").insert();
        startDispatcher(fast());
        ConsoleEvent event = new ConsoleEvent("e-vector", "project_created", 1L, Map.of("tenantId", "acme"),
                "Hello World!".getBytes(StandardCharsets.UTF_8));

        ingest.onEvent(event);

        await().atMost(Duration.ofSeconds(3)).until(() -> receiver.requests().size() == 1);
        ScriptedReceiver.Request request = receiver.requests().get(0);
        String deliveryId = onlyDelivery(webhook);
        assertThat(request.body()).isEqualTo(event.json());
        assertThat(request.header("webhook-id")).isEqualTo(deliveryId);
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("X-Mia-Signature"))
                .isEqualTo("b738052486cd876b13b5404a45479bd8caca05e5267c10d8436f1570547e3056");
        assertThat(request.header("webhook-timestamp")).matches("[0-9]{10}");
        assertThat(request.header("User-Agent")).startsWith("ConsoleCMSWebhooks/");
        await().until(() -> "succeeded".equals(db.delivery(deliveryId).get("status")));
        assertThat(db.delivery(deliveryId)).containsEntry("attempts", 1).containsEntry("last_status_code", 200)
                .containsEntry("lease_owner", null).containsEntry("next_attempt_at", null);
        assertThat(db.webhookRow(webhook)).containsEntry("last_delivery_status", "succeeded")
                .containsEntry("last_delivery_code", 200).containsEntry("last_delivery_event", "project_created");
    }

    @Test
    void retriesAReceiverThatFailsTwiceWithTheSameWebhookIdUntilItSucceeds() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.answering(500, 503, 200));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        startDispatcher(fast());

        ingest.onEvent(projectCreated("acme", "p1"));

        String deliveryId = onlyDelivery(webhook);
        await().atMost(Duration.ofSeconds(5)).until(() -> "succeeded".equals(db.delivery(deliveryId).get("status")));
        assertThat(receiver.requests()).hasSize(3)
                .allSatisfy(request -> assertThat(request.header("webhook-id")).isEqualTo(deliveryId));
        assertThat(receiver.requests().stream().map(ScriptedReceiver.Request::bodyText).distinct()).hasSize(1);
        assertThat(db.attemptsOf(deliveryId)).extracting(row -> row.get("status_code")).containsExactly(500, 503, 200);
        assertThat(db.delivery(deliveryId)).containsEntry("attempts", 3).containsEntry("last_error", null);
        assertThat(meters.get("webhook.deliveries").tag("outcome", "retried").counter().count()).isEqualTo(2);
        assertThat(meters.get("webhook.deliveries").tag("outcome", "succeeded").counter().count()).isEqualTo(1);
        assertThat(meters.get("webhook.deliveries").tag("outcome", "failed").counter().count()).isZero();
        assertThat(meters.get("webhook.attempt.duration").timer().count()).isEqualTo(3);
    }

    @Test
    void honoursRetryAfterWhenItAsksForMoreThanTheSchedule() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.answering(
                new ScriptedReceiver.Reply(429, Map.of("Retry-After", "1"), "slow down"), ScriptedReceiver.Reply.status(204)));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        startDispatcher(fast());

        ingest.onEvent(projectCreated("acme", "p1"));

        String deliveryId = onlyDelivery(webhook);
        await().atMost(Duration.ofSeconds(5)).until(() -> "succeeded".equals(db.delivery(deliveryId).get("status")));
        List<ScriptedReceiver.Request> requests = receiver.requests();
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).receivedAtMillis() - requests.get(0).receivedAtMillis()).isGreaterThanOrEqualTo(950);
        assertThat(db.attemptsOf(deliveryId).get(0)).containsEntry("status_code", 429)
                .containsEntry("response_body", "slow down");
    }

    @Test
    void aGoneReceiverStopsTheDeliveryAndMovesTheWebhookToDraft() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.answering(410));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        startDispatcher(fast());

        ingest.onEvent(projectCreated("acme", "p1"));

        String deliveryId = onlyDelivery(webhook);
        await().atMost(Duration.ofSeconds(5)).until(() -> "failed".equals(db.delivery(deliveryId).get("status")));
        assertThat(db.webhookRow(webhook)).containsEntry("state", "DRAFT")
                .containsEntry("last_delivery_status", "failed").containsEntry("last_delivery_code", 410);
        assertThat(db.delivery(deliveryId)).containsEntry("attempts", 1).containsEntry("last_status_code", 410);
        assertThat(receiver.requests()).hasSize(1);
        assertThat(ingest.onEvent(projectCreated("acme", "p1"))).isZero();
    }

    @Test
    void failsTheDeliveryOnceItsAttemptsRunOut() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.answering(500));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        startDispatcher(fast());

        ingest.onEvent(projectCreated("acme", "p1"));

        String deliveryId = onlyDelivery(webhook);
        await().atMost(Duration.ofSeconds(5)).until(() -> "failed".equals(db.delivery(deliveryId).get("status")));
        assertThat(receiver.requests()).hasSize(FAST.maxAttempts());
        assertThat(db.delivery(deliveryId)).containsEntry("attempts", 3).containsEntry("last_status_code", 500)
                .containsEntry("next_attempt_at", null);
        assertThat((String) db.delivery(deliveryId).get("last_error")).contains("500");
        assertThat(db.webhookRow(webhook)).containsEntry("last_delivery_status", "failed");
    }

    /**
     * The system clock, except that once {@link #stall} is set, the recorder's next reading of it waits until the
     * latch opens: the recorder reads the clock after a commit, when it plans a retry, so this stands for a recorder
     * thread that the machine does not run for a while right after its outcomes are stored.
     */
    /** The CPU time of the live claiming threads. */
    private static long claimerCpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && "webhooks-claimer".equals(thread.getName()))
                .mapToLong(thread -> Math.max(0, mx.getThreadCpuTime(thread.getId()))).sum();
    }

    /** A UTC clock that is what its {@link #millis()} says. */
    private abstract static class MillisClock extends Clock {
        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** The time, moved on by {@code shift} milliseconds. */
    private static final class ShiftedClock extends MillisClock {
        volatile long shift;

        @Override
        public long millis() {
            return System.currentTimeMillis() + shift;
        }
    }

    private static final class StallingClock extends MillisClock {
        volatile CountDownLatch stall;
        final CountDownLatch stalled = new CountDownLatch(1);

        @Override
        public long millis() {
            CountDownLatch gate = stall;
            if (gate != null && "webhooks-recorder".equals(Thread.currentThread().getName())) {
                stalled.countDown();
                try {
                    gate.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            return System.currentTimeMillis();
        }
    }

    @Test
    void aDeliveryDueAgainRightAfterItsOutcomeIsStoredIsAttemptedEvenIfTheRecorderHasNotGoneOnYet() throws Exception {
        // CI once saw a redelivery made right after a failure was stored wait for its lease (30 s here) to expire:
        // its claim came before the recorder had forgotten the attempt, so it was taken for a lapsed lease
        ScriptedReceiver receiver = receiver(ScriptedReceiver.answering(500, 200, 200));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        StallingClock clock = new StallingClock();
        CountDownLatch resume = new CountDownLatch(1);
        clock.stall = resume;
        startDispatcher(fast(), NO_SCAN, clock);

        try {
            ingest.onEvent(projectCreated("acme", "p1"));
            String deliveryId = onlyDelivery(webhook);
            assertThat(clock.stalled.await(5, TimeUnit.SECONDS)).as("the recorder stored the failure").isTrue();
            assertThat(db.delivery(deliveryId)).containsEntry("status", "pending").containsEntry("lease_owner", null);

            // the retry falls due 50 ms later; the recorder, stalled, has not yet told the claimer when
            await().atMost(Duration.ofSeconds(3)).until(() -> {
                dispatcher.wake();
                return receiver.requests().size() == 2;
            });
        } finally {
            resume.countDown();
        }
        String deliveryId = onlyDelivery(webhook);
        await().atMost(Duration.ofSeconds(5)).until(() -> "succeeded".equals(db.delivery(deliveryId).get("status")));
        assertThat(db.delivery(deliveryId)).containsEntry("attempts", 2).containsEntry("lease_owner", null);

        // the target's place freed once, not twice: the next delivery goes as well, and nothing is held after it
        ingest.onEvent(projectCreated("acme", "p2"));
        await().atMost(Duration.ofSeconds(3)).until(() -> db.deliveriesOf(webhook).stream()
                .filter(row -> "succeeded".equals(row.get("status"))).count() == 2);
        assertThat(receiver.requests()).hasSize(3);
    }

    @Test
    void aClaimThatComesWhileTheAttemptOfALapsedLeaseIsInFlightDoesNotMakeItTwice() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.gated(200));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        startDispatcher(fast());
        ingest.onEvent(projectCreated("acme", "p1"));
        String deliveryId = onlyDelivery(webhook);
        await().atMost(Duration.ofSeconds(3)).until(() -> receiver.requests().size() == 1);

        // the lease lapses while the attempt waits for its answer (a host that was not run for a while) and a claim
        // reads the delivery again, due, for this same host: it holds it, so it does not attempt it again
        long past = System.currentTimeMillis() - 1;
        db.update("UPDATE webhook_deliveries SET lease_expires_at = ?, due_at = ? WHERE id = ?", past, past, deliveryId);
        dispatcher.wake();
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        dispatcher.wake();
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        assertThat(receiver.requests()).hasSize(1);
        receiver.open();

        await().atMost(Duration.ofSeconds(3)).until(() -> "succeeded".equals(db.delivery(deliveryId).get("status")));
        // the claim's lease is given back once the attempt is forgotten, which finds it cleared by the outcome
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        dispatcher.wake();
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        assertThat(receiver.requests()).hasSize(1);
        assertThat(db.delivery(deliveryId)).containsEntry("status", "succeeded").containsEntry("attempts", 1)
                .containsEntry("lease_owner", null);
    }

    @Test
    void aClaimThatReadADeliveryBeforeItsOutcomeWasStoredDoesNotAttemptItAgain() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.gated(200));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        ingest.onEvent(projectCreated("acme", "p1")); // waits in the database, unleased, until the dispatcher starts
        String deliveryId = onlyDelivery(webhook);
        PausingDataSource claims = PausingDataSource.around(db.dataSource, sql -> sql.equals(Outbox.dueDeliveriesSql(0)));
        startDispatcher(fast(), NO_SCAN, Clock.systemUTC(), new Outbox(claims.dataSource(), Clock.systemUTC()));
        await().atMost(Duration.ofSeconds(3)).until(() -> receiver.requests().size() == 1);

        // a claim without leases reads the delivery's row while it is in flight: pending
        claims.arm();
        dispatcher.wake();
        assertThat(claims.awaitHeld(5)).isTrue();
        // the outcome is stored and the host lets the delivery go before the claim looks at what it read
        receiver.open();
        await().atMost(Duration.ofSeconds(3)).until(() -> "succeeded".equals(db.delivery(deliveryId).get("status")));
        await().pollDelay(Duration.ofMillis(200)).until(() -> true);
        claims.release();

        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        assertThat(receiver.requests()).hasSize(1);
        assertThat(db.delivery(deliveryId)).containsEntry("status", "succeeded").containsEntry("attempts", 1);
    }

    @Test
    void aReceiverThatNeverAnswersTimesOutWithoutHoldingUpAnotherTarget() throws Exception {
        ScriptedReceiver dead = receiver(ScriptedReceiver.hanging());
        ScriptedReceiver alive = receiver(ScriptedReceiver.answering(200));
        // several webhooks on the dead host: its lane fills up whichever webhook the deliveries belong to
        List<String> deadHooks = List.of(db.webhook("service_created", dead.uri("/a").toString()).insert(),
                db.webhook("service_created", dead.uri("/b").toString()).insert(),
                db.webhook("service_created", dead.uri("/c").toString()).insert());
        String aliveHook = db.webhook("project_created", alive.url()).insert();
        startDispatcher(settings(FAST, Duration.ofSeconds(5), 4, 2));
        for (int i = 0; i < 3; i++) {
            ingest.onEvent(Events.event("{\"eventName\":\"service_created\",\"eventTimestamp\":" + i + ",\"payload\":{}}"));
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> dead.requests().size() == 2);
        long deadSince = System.currentTimeMillis();

        ingest.onEvent(projectCreated("acme", "p1"));

        // the dead target's attempts take 5 s to time out; the other target is served before
        await().atMost(Duration.ofSeconds(4)).until(() -> alive.requests().size() == 1);
        assertThat(System.currentTimeMillis() - deadSince).isLessThan(5_000);
        assertThat(dead.requests()).hasSize(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> deadHooks.stream().flatMap(hook -> db.deliveriesOf(hook).stream())
                .filter(row -> (Integer) row.get("attempts") >= 1).count() >= 2);
        Map<String, Object> timedOut = deadHooks.stream().flatMap(hook -> db.deliveriesOf(hook).stream())
                .filter(row -> (Integer) row.get("attempts") >= 1).findFirst().orElseThrow();
        assertThat((String) timedOut.get("last_error")).contains("timed out");
        assertThat(db.attemptsOf((String) timedOut.get("id")).get(0).get("duration_ms")).isInstanceOf(Long.class);
        assertThat(db.deliveriesOf(aliveHook)).singleElement().extracting(row -> row.get("status")).isEqualTo("succeeded");
    }

    @Test
    void onAnEmbeddedDatabaseGivesBackAtItsStartTheLeasesOfTheHostThatRanBefore() throws Exception {
        // H2's file lock keeps an embedded database to one process: a lease found at start is a stopped host's,
        // whether it ran out (a host killed a while ago) or not (one killed a moment ago, or held until forgotten)
        ScriptedReceiver receiver = receiver(ScriptedReceiver.answering(200));
        ScriptedReceiver other = receiver(ScriptedReceiver.answering(200));
        String lapsed = db.webhook("project_created", receiver.url()).tenant("acme").insert();
        String unexpired = db.webhook("project_created", other.url()).tenant("globex").insert();
        ingest.onEvent(projectCreated("acme", "p1"));
        ingest.onEvent(projectCreated("globex", "p1"));
        long now = System.currentTimeMillis();
        String lease = "UPDATE webhook_deliveries SET lease_owner = ?, lease_expires_at = ?, due_at = ? WHERE webhook_id = ?";
        db.update(lease, "dead-host", now - 1, now - 1, lapsed);
        db.update(lease, "killed-host", now + 3_600_000, now + 3_600_000, unexpired);

        startDispatcher(fast());

        String lapsedId = onlyDelivery(lapsed);
        String unexpiredId = onlyDelivery(unexpired);
        await().atMost(Duration.ofSeconds(3)).until(() -> "succeeded".equals(db.delivery(lapsedId).get("status"))
                && "succeeded".equals(db.delivery(unexpiredId).get("status")));
        assertThat(receiver.requests()).singleElement()
                .satisfies(request -> assertThat(request.header("webhook-id")).isEqualTo(lapsedId));
        assertThat(other.requests()).singleElement()
                .satisfies(request -> assertThat(request.header("webhook-id")).isEqualTo(unexpiredId));
    }

    @Test
    void onAnEmbeddedDatabaseHoldsADeliveryUntilItIsForgottenWithoutRenewingItsLease() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.gated(200));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        ShiftedClock clock = new ShiftedClock();
        DeliverySettings settings = settings(FAST, Duration.ofSeconds(30), 4, 2); // a 70 s lease, renewed each 17.5 s
        startDispatcher(settings, NO_SCAN, clock);
        long before = System.currentTimeMillis();
        ingest.onEvent(projectCreated("acme", "p1"));
        String deliveryId = onlyDelivery(webhook);
        await().atMost(Duration.ofSeconds(3)).until(() -> receiver.requests().size() == 1);
        Object held = db.delivery(deliveryId).get("lease_expires_at");
        assertThat((Long) held).isGreaterThanOrEqualTo(before + Dispatcher.HELD_UNTIL_FORGOTTEN.toMillis());

        // the dispatcher's clock past a renewal's time, and past the lease itself: a renewal would write its new end
        clock.shift = settings.lease().toMillis();
        dispatcher.wake();
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);
        dispatcher.wake();
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        assertThat(db.delivery(deliveryId)).containsEntry("lease_expires_at", held).containsEntry("status", "pending");
        assertThat(receiver.requests()).hasSize(1);
        // with no renewal to wait for, the claiming thread still waits for its next scan rather than spinning
        long cpuBefore = claimerCpuNanos();
        await().pollDelay(Duration.ofMillis(600)).until(() -> true);
        assertThat(claimerCpuNanos() - cpuBefore).isLessThan(TimeUnit.MILLISECONDS.toNanos(150));
        receiver.open();
        await().atMost(Duration.ofSeconds(3)).until(() -> "succeeded".equals(db.delivery(deliveryId).get("status")));
        assertThat(db.delivery(deliveryId)).containsEntry("lease_owner", null).containsEntry("lease_expires_at", null);
    }

    @Test
    void failsTheDeliveriesOfADeletedWebhookWithoutSendingThem() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.answering(200));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        ingest.onEvent(projectCreated("acme", "p1"));
        String deliveryId = onlyDelivery(webhook);
        db.update("DELETE FROM webhooks WHERE id = ?", webhook);

        startDispatcher(fast());

        await().atMost(Duration.ofSeconds(3)).until(() -> "failed".equals(db.delivery(deliveryId).get("status")));
        assertThat((String) db.delivery(deliveryId).get("last_error")).contains("deleted");
        assertThat(db.delivery(deliveryId)).containsEntry("attempts", 0).containsEntry("lease_owner", null);
        assertThat(receiver.requests()).isEmpty();
    }

    @Test
    void closingGivesBackTheClaimsOfUnstartedDeliveriesAndLeavesThemPending() throws Exception {
        ScriptedReceiver dead = receiver(ScriptedReceiver.hanging());
        String webhook = db.webhook("project_created", dead.url()).insert();
        startDispatcher(settings(FAST, Duration.ofSeconds(1), 1, 1));
        for (int i = 0; i < 3; i++) {
            ingest.onEvent(projectCreated("acme", "p" + i));
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> dead.requests().size() == 1);

        dispatcher.close();
        dispatcher = null;

        assertThat(db.deliveriesOf(webhook)).hasSize(3).allSatisfy(row -> {
            assertThat(row).containsEntry("status", "pending").containsEntry("lease_owner", null);
        });
        assertThat(db.deliveriesOf(webhook)).extracting(row -> row.get("attempts"))
                .containsExactlyInAnyOrder(1, 0, 0);
    }

    @Test
    void queuedDeliveriesOfAWebhookTrashedMeanwhileAreNotSent() throws Exception {
        ScriptedReceiver dead = receiver(ScriptedReceiver.hanging());
        String webhook = db.webhook("project_created", dead.url()).insert();
        startDispatcher(settings(FAST, Duration.ofSeconds(1), 4, 1));
        for (int i = 0; i < 5; i++) {
            ingest.onEvent(projectCreated("acme", "p" + i));
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> dead.requests().size() == 1);

        db.update("UPDATE webhooks SET state = 'TRASH' WHERE id = ?", webhook);

        // one attempt at a time: each takes the 1 s timeout; the settings are read again within a second
        await().atMost(Duration.ofSeconds(8)).until(() -> db.deliveriesOf(webhook).stream()
                .filter(row -> "failed".equals(row.get("status"))).count() >= 3);
        assertThat(dead.requests().size()).isLessThanOrEqualTo(2);
        assertThat(db.deliveriesOf(webhook)).filteredOn(row -> "failed".equals(row.get("status")))
                .allSatisfy(row -> assertThat((String) row.get("last_error")).contains("trash"));
    }

    @Test
    void deliveriesLeftInTheDatabaseForLackOfRoomFollowWithoutWaitingForAScan() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.answering(200));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        // room for 2 deliveries of a target in memory: the others wait in the database, and there is no periodic scan
        startDispatcher(new DeliverySettings(FAST, Duration.ofSeconds(5), List.of(), List.of(), 4, 1, 20, 10,
                Duration.ofSeconds(30), Duration.ofDays(5), DeliverySettings.DEFAULT_RETENTION));
        for (int i = 0; i < 30; i++) {
            ingest.onEvent(projectCreated("acme", "p" + i));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.requests().size() >= 30);
        await().until(() -> db.deliveriesOf(webhook).stream().allMatch(row -> "succeeded".equals(row.get("status"))));
        assertThat(receiver.requests().stream().map(request -> request.header("webhook-id")).distinct()).hasSize(30);
    }

    @Test
    void aBacklogBiggerThanItsTargetsRoomIsClaimedAsItDrainsNotClaimedAndGivenBack() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.gated(200));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        // room for 40 deliveries of the target in memory, 400 in all: most of the backlog waits in the database
        startDispatcher(settings(FAST, Duration.ofSeconds(30), 4, 2));
        for (int i = 0; i < 1_000; i++) {
            ingest.onEvent(projectCreated("acme", "p" + i));
        }
        double keptBefore = meters.counter("webhook.claimed.deliveries", "result", "kept").count();
        double givenBackBefore = meters.counter("webhook.claimed.deliveries", "result", "given_back").count();
        receiver.open();

        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests().size() >= 1_000);
        await().until(() -> db.deliveriesOf(webhook).stream().allMatch(row -> "succeeded".equals(row.get("status"))));
        double kept = meters.counter("webhook.claimed.deliveries", "result", "kept").count() - keptBefore;
        double givenBack = meters.counter("webhook.claimed.deliveries", "result", "given_back").count()
                - givenBackBefore;
        // each claim asks for what the target has room for: claiming up to the host's room would lease hundreds of
        // rows at each claim only to give all but a few back
        assertThat(kept).isGreaterThan(500);
        assertThat(givenBack).isLessThan(kept / 10);
        // claimed without leases (an embedded H2), while outcomes were stored: each delivery attempted once
        await().pollDelay(Duration.ofMillis(300)).until(() -> true);
        assertThat(receiver.requests()).hasSize(1_000);
        assertThat(receiver.requests().stream().map(request -> request.header("webhook-id")).distinct()).hasSize(1_000);
        assertThat(db.rows("SELECT id FROM webhook_deliveries WHERE lease_owner IS NOT NULL")).isEmpty();
    }

    @Test
    void aScanThatFindsOnlyAFullTargetsBacklogBacksOffWhileTheBacklogDrains() throws Exception {
        // two attempts at once, 20 ms each: 600 deliveries take about 6 s, their target full all along
        ScriptedReceiver receiver = receiver(ScriptedReceiver.slow(200, Duration.ofMillis(20)));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        db.update("SET QUERY_STATISTICS TRUE");
        startDispatcher(settings(FAST, Duration.ofSeconds(30), 4, 2), Duration.ofMillis(50));
        for (int i = 0; i < 600; i++) {
            ingest.onEvent(projectCreated("acme", "p" + i));
        }

        await().atMost(Duration.ofSeconds(60))
                .until(() -> db.deliveriesOf(webhook).stream().allMatch(row -> "succeeded".equals(row.get("status"))));
        // a scan skipping the full target's webhook reads every row of its backlog to find nothing else: scanning
        // every 50 ms did that about a hundred times during the drain; backing off from 50 ms, about seven. When
        // scans that came while the target had room, and found only its backlog, started the back-off over, a busy
        // machine saw 13 to 19 (7 or 8 since, with three other threads spinning on its two cores)
        long scansPastTheBacklog = scansExcludingOneWebhook();
        assertThat(receiver.requests()).hasSize(600);
        assertThat(scansPastTheBacklog).isLessThan(12);
    }

    @Test
    void eventsSpilledWhileAScanReadsAFullTargetsBacklogDoNotMakeItReadTheBacklogAgain() throws Exception {
        ScriptedReceiver receiver = receiver(ScriptedReceiver.gated(200));
        String webhook = db.webhook("project_created", receiver.url()).insert();
        // a backlog of 50,000 on a target that holds 10 in memory: a scan skipping it reads all 50,000 rows
        db.update("INSERT INTO webhook_events (id, event_name, event_timestamp, body, created_at)"
                + " VALUES ('backlog', 'project_created', 0, X'7b7d', 0)");
        db.update("INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_name, status, attempts, round_start,"
                + " next_attempt_at, due_at, created_at, updated_at) SELECT 'backlog-' || x, ?, 'backlog',"
                + " 'project_created', 'pending', 0, 0, 0, 0, 0, 0 FROM SYSTEM_RANGE(1, 50000)", webhook);
        startDispatcher(settings(FAST, Duration.ofSeconds(30), 4, 2), Duration.ofMillis(50));
        await().until(() -> receiver.requests().size() == 2);
        db.update("SET QUERY_STATISTICS TRUE");
        long started = System.nanoTime();

        // four publishers: an event is spilled (stored for its full target) every millisecond or so
        ExecutorService publishers = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Void>> batches = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t * 300;
                batches.add(() -> {
                    for (int i = first; i < first + 300; i++) {
                        ingest.onEvent(projectCreated("acme", "p" + i));
                    }
                    return null;
                });
            }
            for (Future<Void> batch : publishers.invokeAll(batches)) {
                batch.get();
            }
        } finally {
            publishers.shutdown();
        }

        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        // scans come every 50 ms at first, then back off (100, 200, 400 ms...): about log2 of the time over 50 ms.
        // A scan that went on while spills said the database had work read the whole backlog over and over: 59 and
        // 64 times in two runs before the fix, against 4-5 after it
        long timedScans = 2 + (long) Math.ceil(Math.log(elapsedMillis / 50.0 + 1) / Math.log(2));
        long scansPastTheBacklog = scansExcludingOneWebhook();
        assertThat(scansPastTheBacklog).isLessThanOrEqualTo(timedScans);
        assertThat(db.rows("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'pending'").get(0).get("n"))
                .isEqualTo(50_000L + 1_200L);
        receiver.open(); // lets the attempts in flight end before the dispatcher closes
    }

    /** How many claims ran that skip one full target's webhook, from H2's query statistics (must be on). */
    private long scansExcludingOneWebhook() {
        return db.rows("SELECT execution_count FROM INFORMATION_SCHEMA.QUERY_STATISTICS WHERE sql_statement = ?",
                Outbox.dueDeliveriesSql(1)).stream()
                .mapToLong(row -> ((Number) row.get("execution_count")).longValue()).sum();
    }

    @Test
    void queuedDeliveriesAreSignedWithBothSecretsDuringARotationsOverlapAndWithTheNewOneAfterIt() throws Exception {
        ScriptedReceiver dead = receiver(ScriptedReceiver.hanging());
        String webhook = db.webhook("project_created", dead.url()).secret("old-secret").insert();
        startDispatcher(settings(FAST, Duration.ofSeconds(1), 4, 1));
        for (int i = 0; i < 8; i++) {
            ingest.onEvent(projectCreated("acme", "p" + i));
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> dead.requests().size() == 1);
        assertThat(signatures(dead.requests().get(0))).containsExactly(expected(dead.requests().get(0), "old-secret"));

        // a rotation as the collection stores it, while the other deliveries wait in memory behind the hung one
        long until = System.currentTimeMillis() + 2_500;
        db.update("UPDATE webhooks SET previous_secret = secret, previous_secret_until = ?, secret = ? WHERE id = ?",
                until, "new-secret", webhook);

        // one attempt at a time, each taking the 1 s timeout; the settings are read again within a second
        await().atMost(Duration.ofSeconds(10))
                .until(() -> dead.requests().stream().anyMatch(request -> request.receivedAtMillis() > until + 1_500));
        List<ScriptedReceiver.Request> both = dead.requests().stream()
                .filter(request -> signatures(request).size() == 2).toList();
        assertThat(both).isNotEmpty().allSatisfy(request -> assertThat(signatures(request))
                .containsExactly(expected(request, "new-secret"), expected(request, "old-secret")));
        assertThat(both).allSatisfy(request -> assertThat(request.header("X-Mia-Signature"))
                .isEqualTo(miaSignature(request.body(), "new-secret")));
        assertThat(dead.requests()).filteredOn(request -> request.receivedAtMillis() > until + 500)
                .isNotEmpty()
                .allSatisfy(request -> assertThat(signatures(request)).containsExactly(expected(request, "new-secret")));
    }

    @Test
    void aDeliveryPublishedRightAfterARotationIsSignedWithTheNewSecretNotWithSettingsReadBeforeIt() throws Exception {
        ScriptedReceiver dead = receiver(ScriptedReceiver.hanging());
        String webhook = db.webhook("project_created", dead.url()).secret("old-secret").insert();
        startDispatcher(settings(FAST, Duration.ofSeconds(5), 4, 2));
        ingest.onEvent(projectCreated("acme", "p1"));
        await().atMost(Duration.ofSeconds(3)).until(() -> dead.requests().size() == 1);
        // the first delivery hangs, so the dispatcher holds the webhook and reads its settings again every second
        await().pollDelay(Duration.ofMillis(1_200)).until(() -> true);

        db.update("UPDATE webhooks SET previous_secret = secret, previous_secret_until = ?, secret = ? WHERE id = ?",
                System.currentTimeMillis() + 60_000, "new-secret", webhook);
        ingest.onEvent(projectCreated("acme", "p2"));

        // the second delivery read the rotated settings at ingest: the settings the dispatcher read before are older
        await().atMost(Duration.ofSeconds(3)).until(() -> dead.requests().size() == 2);
        ScriptedReceiver.Request second = dead.requests().get(1);
        assertThat(signatures(second)).containsExactly(expected(second, "new-secret"), expected(second, "old-secret"));
    }

    private static List<String> signatures(ScriptedReceiver.Request request) {
        return List.of(request.header("webhook-signature").split(" "));
    }

    /** The signature the official Standard Webhooks library makes for the request's id, timestamp and body. */
    private static String expected(ScriptedReceiver.Request request, String secret) {
        try {
            return new com.standardwebhooks.Webhook(secret.getBytes(StandardCharsets.UTF_8)).sign(
                    request.header("webhook-id"), Long.parseLong(request.header("webhook-timestamp")),
                    request.bodyText());
        } catch (com.standardwebhooks.exceptions.WebhookSigningException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static String miaSignature(byte[] body, String secret) {
        try {
            java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
            sha256.update(body);
            sha256.update(secret.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(sha256.digest());
        } catch (java.security.NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
