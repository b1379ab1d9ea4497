package io.consolecms.webhooks.delivery;

import static io.consolecms.webhooks.delivery.Events.projectCreated;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboxTest {

    private static final Duration LEASE = Duration.ofMinutes(1);

    private final DeliveryDatabase db = new DeliveryDatabase();
    private final GroupCommit writer = new GroupCommit(db.dataSource);
    private final EventIngest ingest = new EventIngest(writer, new DatabaseOnly(), Clock.systemUTC());

    @AfterEach
    void stopWriter() {
        writer.close();
    }
    private final Outbox outbox = new Outbox(db.dataSource, Clock.systemUTC());

    @Test
    void hostsClaimingAtOnceNeverClaimTheSameDelivery() throws Exception {
        claimAllAtOnce(Set.of());
    }

    @Test
    void claimsLeasedInTheWritersTransactionsNeverTakeADeliveryAnotherClaimTook() throws Exception {
        // two hosts lease through the shared writer's transactions, one in a transaction of its own
        claimAllAtOnce(Set.of("host-a", "host-b"));
    }

    private void claimAllAtOnce(Set<String> throughTheWriter) throws Exception {
        for (int i = 0; i < 10; i++) {
            db.webhook("project_created", "http://h" + i + ".test/").insert();
        }
        for (int i = 0; i < 6; i++) {
            ingest.onEvent(projectCreated("acme", "p" + i));
        }
        ExecutorService hosts = Executors.newFixedThreadPool(3);
        List<Future<List<String>>> claims = new ArrayList<>();
        for (String owner : List.of("host-a", "host-b", "host-c")) {
            Outbox own = new Outbox(db.dataSource, Clock.systemUTC());
            Callable<List<String>> claimAll = () -> {
                List<String> mine = new ArrayList<>();
                List<ClaimedDelivery> batch;
                while (!(batch = throughTheWriter.contains(owner) ? own.claim(owner, 7, LEASE, Set.of(), writer)
                        : own.claim(owner, 7, LEASE, Set.of())).isEmpty()) {
                    batch.forEach(delivery -> mine.add(delivery.id()));
                }
                return mine;
            };
            claims.add(hosts.submit(claimAll));
        }
        List<String> all = new ArrayList<>();
        for (Future<List<String>> claim : claims) {
            all.addAll(claim.get());
        }
        hosts.shutdown();

        assertThat(all).hasSize(60).doesNotHaveDuplicates();
        assertThat(db.rows("SELECT id FROM webhook_deliveries WHERE lease_owner IS NULL")).isEmpty();
    }

    @Test
    void aClaimTakesAtMostMaxClaimRowsHoweverManyItIsAskedFor() throws Exception {
        // the dispatcher takes a claim that returns fewer rows than it asked for as the end of what is due
        db.webhook("project_created", "http://a.test/").insert();
        for (int i = 0; i < 2 * Outbox.MAX_CLAIM + 30; i++) {
            ingest.onEvent(projectCreated("acme", "p" + i));
        }

        assertThat(outbox.claim("me", Outbox.MAX_CLAIM + 20, LEASE, Set.of())).hasSize(Outbox.MAX_CLAIM);
        assertThat(outbox.claim("me", Outbox.MAX_CLAIM + 20, LEASE, Set.of(), writer)).hasSize(Outbox.MAX_CLAIM);
        assertThat(outbox.claim("me", Outbox.MAX_CLAIM + 20, LEASE, Set.of())).hasSize(30);
    }

    @Test
    void aClaimReadsNoMoreEventBodiesThanItMayButAlwaysOneDelivery() throws Exception {
        db.webhook("project_created", "http://a.test/").insert();
        for (int i = 0; i < 10; i++) {
            ingest.onEvent(projectCreated("acme", "p" + i));
        }
        long body = TargetQueues.bytes(outbox.claim("peek", 1, Duration.ZERO, Set.of()).get(0));

        // the claim stops reading once its bodies reach the budget: the rows beyond stay claimable
        assertThat(outbox.claim("me", 10, LEASE, Set.of(), 2 * body + 1, writer)).hasSize(3);
        assertThat(outbox.claim("me", 10, LEASE, Set.of(), 2 * body)).hasSize(2);
        assertThat(outbox.claim("me", 10, LEASE, Set.of(), 1)).hasSize(1);
        assertThat(outbox.claim("me", 10, LEASE, Set.of())).hasSize(4);
    }

    @Test
    void claimsOnlyDueDeliveriesWhoseLeaseIsFreeOrExpired() throws Exception {
        String free = db.webhook("project_created", "http://a.test/").tenant("a").insert();
        String expired = db.webhook("project_created", "http://b.test/").tenant("b").insert();
        String leased = db.webhook("project_created", "http://c.test/").tenant("c").insert();
        String later = db.webhook("project_created", "http://d.test/").tenant("d").insert();
        String done = db.webhook("project_created", "http://e.test/").tenant("e").insert();
        for (String tenant : List.of("a", "b", "c", "d", "e")) {
            ingest.onEvent(projectCreated(tenant, "p1"));
        }
        long now = System.currentTimeMillis();
        // as a host leaves them: a leased row is due again when its lease ends
        String lease = "UPDATE webhook_deliveries SET lease_owner = 'x', lease_expires_at = ?, due_at = ? WHERE webhook_id = ?";
        db.update(lease, now - 1, now - 1, expired);
        db.update(lease, now + 60_000, now + 60_000, leased);
        db.update("UPDATE webhook_deliveries SET next_attempt_at = ?, due_at = ? WHERE webhook_id = ?", now + 60_000,
                now + 60_000, later);
        db.update("UPDATE webhook_deliveries SET status = 'succeeded' WHERE webhook_id = ?", done);

        List<ClaimedDelivery> claimed = outbox.claim("me", 50, LEASE, Set.of());

        assertThat(claimed).extracting(ClaimedDelivery::webhookId).containsExactlyInAnyOrder(free, expired);
        assertThat(db.deliveriesOf(expired).get(0)).containsEntry("lease_owner", "me");
        assertThat((Long) db.deliveriesOf(free).get(0).get("lease_expires_at"))
                .isBetween(now + LEASE.toMillis(), System.currentTimeMillis() + LEASE.toMillis());
        assertThat(outbox.claim("other", 50, LEASE, Set.of())).isEmpty();
    }

    @Test
    void aClaimCarriesWhatTheAttemptNeeds() throws Exception {
        String webhook = db.webhook("project_created", "https://a.test/hook").secret("s").insert();
        db.update("UPDATE webhooks SET base64_ca = 'Q0E=', proxy_url = 'http://proxy.test:3128' WHERE id = ?", webhook);
        var event = projectCreated("acme", "p1");
        ingest.onEvent(event);

        ClaimedDelivery claimed = outbox.claim("me", 10, LEASE, Set.of()).get(0);

        assertThat(claimed.target()).isEqualTo("https://a.test/hook");
        assertThat(claimed.secrets().current()).isEqualTo("s");
        assertThat(claimed.base64Ca()).isEqualTo("Q0E=");
        assertThat(claimed.proxyUrl()).isEqualTo("http://proxy.test:3128");
        assertThat(claimed.body()).isEqualTo(event.json());
        assertThat(claimed.eventId()).isEqualTo(event.id());
        assertThat(claimed.webhookState()).isEqualTo("PUBLIC");
        assertThat(claimed.toString()).doesNotContain("s\"").doesNotContain("secret=");
    }

    @Test
    void theDeliveriesOfOneWebhookInAClaimShareOneReadingOfItsSettings() throws Exception {
        String first = db.webhook("project_created", "https://a.test/hook").secret("one").insert();
        String second = db.webhook("project_created", "https://b.test/hook").secret("two").insert();
        for (int i = 0; i < 3; i++) {
            ingest.onEvent(projectCreated("acme", "p" + i));
        }

        List<ClaimedDelivery> claimed = outbox.claim("me", 10, LEASE, Set.of(), writer);

        assertThat(claimed).hasSize(6);
        List<ClaimedDelivery> ofFirst = claimed.stream().filter(d -> d.webhookId().equals(first)).toList();
        List<ClaimedDelivery> ofSecond = claimed.stream().filter(d -> d.webhookId().equals(second)).toList();
        assertThat(ofFirst).hasSize(3).allSatisfy(d -> assertThat(d.secrets()).isSameAs(ofFirst.get(0).secrets()));
        assertThat(ofSecond).hasSize(3).allSatisfy(d -> assertThat(d.secrets()).isSameAs(ofSecond.get(0).secrets()));
        assertThat(ofFirst.get(0).secrets().current()).isEqualTo("one");
        assertThat(ofSecond.get(0).secrets().current()).isEqualTo("two");
        assertThat(ofFirst).extracting(ClaimedDelivery::eventId)
                .containsExactlyInAnyOrderElementsOf(ofSecond.stream().map(ClaimedDelivery::eventId).toList());
    }

    @Test
    void skipsWebhooksWhoseTargetIsBusyAndGivesClaimsBack() throws Exception {
        String busy = db.webhook("project_created", "http://a.test/").insert();
        String idle = db.webhook("project_created", "http://b.test/").insert();
        ingest.onEvent(projectCreated("acme", "p1"));

        List<ClaimedDelivery> claimed = outbox.claim("me", 10, LEASE, Set.of(busy));
        assertThat(claimed).extracting(ClaimedDelivery::webhookId).containsExactly(idle);

        outbox.release(writer, "me", List.of(claimed.get(0).id()));
        assertThat(outbox.claim("other", 10, LEASE, Set.of())).extracting(ClaimedDelivery::webhookId)
                .containsExactlyInAnyOrder(busy, idle);
    }

    @Test
    void aLeaseRenewalWaitsForTheWritersTransactionInsteadOfLockingRowsBesideIt() throws Exception {
        db.webhook("project_created", "http://a.test/").insert();
        db.webhook("project_created", "http://b.test/").insert();
        ingest.onEvent(projectCreated("acme", "p1"));
        List<String> held = outbox.claim("me", 10, LEASE, Set.of()).stream().map(ClaimedDelivery::id).sorted()
                .toList();
        assertThat(held).hasSize(2);
        // the writer's transaction locks the second row, then (once the renewal has had time to start) the first:
        // a renewal in a transaction of its own, locking them the other way round, made one of the two a deadlock victim
        CountDownLatch writerHoldsSecond = new CountDownLatch(1);
        CountDownLatch renewalStarted = new CountDownLatch(1);
        AtomicInteger writerRuns = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<Void> writes = threads.submit(() -> writer.call(connection -> {
                writerRuns.incrementAndGet();
                touch(connection, held.get(1));
                writerHoldsSecond.countDown();
                try {
                    renewalStarted.await(10, TimeUnit.SECONDS);
                    Thread.sleep(300);
                } catch (InterruptedException interrupted) {
                    throw new SQLException(interrupted);
                }
                touch(connection, held.get(0));
                return null;
            }));
            assertThat(writerHoldsSecond.await(10, TimeUnit.SECONDS)).isTrue();
            long until = System.currentTimeMillis() + 600_000;
            Future<Void> renewal = threads.submit(() -> {
                renewalStarted.countDown();
                outbox.renew(writer, "me", held, until);
                return null;
            });

            renewal.get(20, TimeUnit.SECONDS);
            writes.get(20, TimeUnit.SECONDS);
            assertThat(writerRuns).hasValue(1);
            assertThat(held).allSatisfy(id -> assertThat(db.delivery(id)).containsEntry("lease_expires_at", until)
                    .containsEntry("updated_at", 1L));
        } finally {
            threads.shutdownNow();
        }
    }

    private static void touch(Connection connection, String deliveryId) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE webhook_deliveries SET updated_at = 1 WHERE id = ?")) {
            update.setString(1, deliveryId);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void dropsTheOutcomeOfALeaseThatWasLostToAnotherHost() throws Exception {
        String webhook = db.webhook("project_created", "http://a.test/").insert();
        ingest.onEvent(projectCreated("acme", "p1"));
        ClaimedDelivery mine = outbox.claim("slow-host", 10, LEASE, Set.of()).get(0);
        db.update("UPDATE webhook_deliveries SET lease_owner = 'other-host' WHERE id = ?", mine.id());

        outbox.record("slow-host", List.of(Settlement.of(Outcome.attempted(mine, System.currentTimeMillis(),
                new AttemptResult(true, 200, null, null, null, 5)), RetrySchedule.DEFAULT, new SplittableRandom())));

        assertThat(db.delivery(mine.id())).containsEntry("status", "pending").containsEntry("attempts", 0)
                .containsEntry("lease_owner", "other-host");
        assertThat(db.attemptsOf(mine.id())).isEmpty();
        assertThat(db.webhookRow(webhook)).containsEntry("last_delivery_status", null);
    }

    @Test
    void recordsABatchOfOutcomesAndSchedulesRetriesFromTheEndOfTheAttempt() throws Exception {
        db.webhook("project_created", "http://a.test/").insert();
        db.webhook("project_created", "http://b.test/").insert();
        ingest.onEvent(projectCreated("acme", "p1"));
        List<ClaimedDelivery> claimed = outbox.claim("me", 10, LEASE, Set.of());
        long at = System.currentTimeMillis();
        String longBody = "\u00e9".repeat(3000); // 6000 bytes of UTF-8

        RetrySchedule schedule = new RetrySchedule(List.of(Duration.ofSeconds(10)));
        List<Long> retries = outbox.record("me", List.of(
                Settlement.of(Outcome.attempted(claimed.get(0), at, new AttemptResult(false, 500, null, null, longBody,
                        100)), schedule, new SplittableRandom()),
                Settlement.of(Outcome.attempted(claimed.get(1), at, new AttemptResult(true, 204, null, null, null, 7)),
                        schedule, new SplittableRandom())))
                .stream().map(Settlement::nextAttemptAt).filter(java.util.Objects::nonNull).toList();

        assertThat(retries).singleElement().satisfies(next -> assertThat(next).isBetween(at + 100 + 9_000, at + 100 + 11_000));
        assertThat(db.delivery(claimed.get(0).id())).containsEntry("status", "pending").containsEntry("attempts", 1)
                .containsEntry("next_attempt_at", retries.get(0)).containsEntry("lease_owner", null);
        String stored = (String) db.attemptsOf(claimed.get(0).id()).get(0).get("response_body");
        assertThat(stored.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
        assertThat(stored).isEqualTo("\u00e9".repeat(2048));
        // the first attempt that succeeded stays in its delivery's row, and the settled row is due at its creation
        Map<String, Object> succeeded = db.delivery(claimed.get(1).id());
        assertThat(succeeded).containsEntry("status", "succeeded").containsEntry("first_attempt_at", at)
                .containsEntry("first_duration_ms", 7L).containsEntry("first_status_code", 204)
                .containsEntry("due_at", succeeded.get("created_at"));
        assertThat(db.delivery(claimed.get(0).id())).containsEntry("first_attempt_at", null);
        Set<Object> attempted = new HashSet<>();
        db.rows("SELECT delivery_id FROM webhook_attempts").forEach(row -> attempted.add(row.get("delivery_id")));
        assertThat(attempted).containsExactly(claimed.get(0).id());
    }

    @Test
    void theDeliveryLogShowsTheFirstAttemptKeptInTheRowThenARedeliverysAttempts() throws Exception {
        db.webhook("project_created", "http://a.test/").insert();
        ingest.onEvent(projectCreated("acme", "p1"));
        ClaimedDelivery first = outbox.claim("me", 10, LEASE, Set.of()).get(0);
        long at = System.currentTimeMillis();
        outbox.record("me", List.of(Settlement.of(Outcome.attempted(first, at,
                new AttemptResult(true, 200, null, null, "ok", 3)), RetrySchedule.DEFAULT, new SplittableRandom())));
        DeliveryLog log = new DeliveryLog(db.dataSource, Clock.systemUTC());
        assertThat(log.redeliver(first.id())).isTrue();
        ClaimedDelivery again = outbox.claim("me", 10, LEASE, Set.of()).get(0);
        outbox.record("me", List.of(Settlement.of(Outcome.attempted(again, at + 1_000,
                new AttemptResult(false, 500, null, null, "no", 4)), RetrySchedule.DEFAULT, new SplittableRandom())));

        DeliveryDetail detail = log.find(first.id()).orElseThrow();

        assertThat(detail.attemptCount()).isEqualTo(2);
        assertThat(detail.attempts()).containsExactly(
                new DeliveryDetail.AttemptView(java.time.Instant.ofEpochMilli(at).toString(), 3, 200, null, "ok"),
                new DeliveryDetail.AttemptView(java.time.Instant.ofEpochMilli(at + 1_000).toString(), 4, 500, null,
                        "no"));
        // the redelivery's attempt did not overwrite the first one
        assertThat(db.delivery(first.id())).containsEntry("first_attempt_at", at).containsEntry("first_status_code",
                200);
    }

    @Test
    void anEmbeddedH2IsClaimedWithoutLeasesButNotADatabaseOtherHostsMayOpen() throws Exception {
        assertThat(outbox.claimsWithoutLeases()).isTrue();
        org.h2.tools.Server server = org.h2.tools.Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
        try {
            org.h2.jdbcx.JdbcDataSource shared = new org.h2.jdbcx.JdbcDataSource();
            shared.setURL("jdbc:h2:tcp://localhost:" + server.getPort() + "/mem:shared");
            assertThat(new Outbox(shared, Clock.systemUTC()).claimsWithoutLeases()).isFalse();
        } finally {
            server.stop();
        }
    }

    @Test
    void aClaimWithoutLeasesWritesNothingSkipsWhatIsHeldAndGoesOnFromWhereItStopped() throws Exception {
        db.webhook("project_created", "http://a.test/").insert();
        for (int i = 0; i < 6; i++) {
            ingest.onEvent(projectCreated("acme", "p" + i));
            Thread.sleep(2); // distinct due times
        }
        List<String> due = db.rows("SELECT id FROM webhook_deliveries ORDER BY due_at").stream()
                .map(row -> (String) row.get("id")).toList();
        Set<String> held = new HashSet<>(due.subList(0, 2));

        Outbox.Unleased first = outbox.claimUnleased(Long.MIN_VALUE, 2, Set.of(), Long.MAX_VALUE, held::contains,
                held.size());

        assertThat(first.deliveries()).extracting(ClaimedDelivery::id).containsExactly(due.get(2), due.get(3));
        assertThat(first.more()).isTrue();
        assertThat(first.firstDueAt()).isEqualTo(dueAt(due.get(0)));
        assertThat(first.lastDueAt()).isEqualTo(dueAt(due.get(3)));
        assertThat(db.rows("SELECT id FROM webhook_deliveries WHERE lease_owner IS NOT NULL")).isEmpty();

        // the next claim reads on from the last row read; rows before it are not read again
        Outbox.Unleased next = outbox.claimUnleased(first.lastDueAt() + 1, 10, Set.of(), Long.MAX_VALUE,
                id -> false, 0);
        assertThat(next.deliveries()).extracting(ClaimedDelivery::id).containsExactly(due.get(4), due.get(5));
        assertThat(next.more()).isFalse();
        assertThat(outbox.claimUnleased(next.lastDueAt() + 1, 10, Set.of(), Long.MAX_VALUE, id -> false, 0)
                .deliveries()).isEmpty();
    }

    @Test
    void aClaimWithoutLeasesStopsAtItsBodyBudgetAndLeavesLeasedAndExcludedRows() throws Exception {
        String mine = db.webhook("project_created", "http://a.test/").tenant("a").insert();
        String leased = db.webhook("project_created", "http://b.test/").tenant("b").insert();
        String excluded = db.webhook("project_created", "http://c.test/").tenant("c").insert();
        for (int i = 0; i < 4; i++) {
            for (String tenant : List.of("a", "b", "c")) {
                ingest.onEvent(projectCreated(tenant, "p" + i));
            }
        }
        long now = System.currentTimeMillis();
        db.update("UPDATE webhook_deliveries SET lease_owner = 'x', lease_expires_at = ?, due_at = ? WHERE webhook_id = ?",
                now + 60_000, now + 60_000, leased);
        long body = TargetQueues.bytes(outbox.claimUnleased(Long.MIN_VALUE, 1, Set.of(excluded), Long.MAX_VALUE,
                id -> false, 0).deliveries().get(0));

        Outbox.Unleased claimed = outbox.claimUnleased(Long.MIN_VALUE, 10, Set.of(excluded), 2 * body + 1,
                id -> false, 0);
        assertThat(claimed.deliveries()).hasSize(3).extracting(ClaimedDelivery::webhookId).containsOnly(mine);
        assertThat(claimed.more()).isTrue();
        assertThat(outbox.claimUnleased(Long.MIN_VALUE, 10, Set.of(excluded), 1, id -> false, 0).deliveries())
                .hasSize(1);
        assertThat(outbox.claimUnleased(Long.MIN_VALUE, 10, Set.of(excluded), Long.MAX_VALUE, id -> false, 0)
                .deliveries()).hasSize(4).extracting(ClaimedDelivery::webhookId).containsOnly(mine);
    }

    @Test
    void theOutcomeOfADeliveryClaimedWithoutALeaseIsStoredAndNeverOverASettledOne() throws Exception {
        String webhook = db.webhook("project_created", "http://a.test/").insert();
        ingest.onEvent(projectCreated("acme", "p1"));
        ingest.onEvent(projectCreated("acme", "p2"));
        List<ClaimedDelivery> claimed = outbox.claimUnleased(Long.MIN_VALUE, 10, Set.of(), Long.MAX_VALUE,
                id -> false, 0).deliveries();
        // a host that died held the first one's lease
        db.update("UPDATE webhook_deliveries SET lease_owner = 'dead-host', lease_expires_at = 1 WHERE id = ?",
                claimed.get(0).id());
        db.update("UPDATE webhook_deliveries SET status = 'failed' WHERE id = ?", claimed.get(1).id());
        long at = System.currentTimeMillis();
        List<Settlement> settlements = claimed.stream().map(delivery -> Settlement.of(Outcome.attempted(delivery, at,
                new AttemptResult(true, 204, null, null, null, 3)), RetrySchedule.DEFAULT, new SplittableRandom()))
                .toList();

        List<Settlement> stored = writer.call(connection -> Outbox.record(connection, "me", settlements, at, true));

        assertThat(stored).extracting(settlement -> settlement.outcome().delivery().id())
                .containsExactly(claimed.get(0).id());
        assertThat(db.delivery(claimed.get(0).id())).containsEntry("status", "succeeded")
                .containsEntry("lease_owner", null);
        assertThat(db.delivery(claimed.get(1).id())).containsEntry("status", "failed").containsEntry("attempts", 0);
        assertThat(db.webhookRow(webhook)).containsEntry("last_delivery_status", "succeeded");
    }

    private long dueAt(String deliveryId) {
        return (Long) db.delivery(deliveryId).get("due_at");
    }
}
