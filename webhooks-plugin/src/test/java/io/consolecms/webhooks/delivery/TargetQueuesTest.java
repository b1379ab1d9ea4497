package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TargetQueuesTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<String> opened = new ArrayList<>();

    /** A delivery with an empty body, for places counted without their delivery. */
    private static final ClaimedDelivery EMPTY = delivery("empty");

    private static ClaimedDelivery delivery(String id) {
        return delivery(id, 0);
    }

    /** A delivery whose event body is {@code bytes} long. */
    private static ClaimedDelivery delivery(String id, int bytes) {
        return new ClaimedDelivery(id, "w1", "e1", "project_created", 0, 0, "PUBLIC", "http://a.test/",
                SigningSecrets.NONE, null, null, new byte[bytes], 0, 0L, 0L);
    }

    /** As {@link #queues(int, int, int)}, holding at most {@code bodyBytes} of event bodies. */
    private TargetQueues queues(int concurrency, int perTarget, int capacity, long bodyBytes) {
        return new TargetQueues(concurrency, perTarget, capacity, bodyBytes,
                () -> new CircuitBreaker(3, Duration.ofSeconds(30), Duration.ofMinutes(10)), now::get,
                (key, until) -> opened.add(key + " until +" + (until - now.get()) + "ms"));
    }

    /** Queues whose breakers open after 3 failures for 30 s (doubling up to 10 min), on this test's clock. */
    private TargetQueues queues(int concurrency, int perTarget, int capacity) {
        return new TargetQueues(concurrency, perTarget, capacity, Long.MAX_VALUE,
                () -> new CircuitBreaker(3, Duration.ofSeconds(30), Duration.ofMinutes(10)), now::get,
                (key, until) -> opened.add(key + " until +" + (until - now.get()) + "ms"));
    }

    @Test
    void aTargetIsOneSchemeHostAndPortWithTheDefaultPortSpelledOut() {
        assertThat(TargetQueues.key("https://Hooks.Example.com/a?x=1")).isEqualTo("https://hooks.example.com:443");
        assertThat(TargetQueues.key("http://hooks.example.com/b")).isEqualTo("http://hooks.example.com:80");
        assertThat(TargetQueues.key("http://hooks.example.com:8080/")).isEqualTo("http://hooks.example.com:8080");
        assertThat(TargetQueues.key("not a url")).isNull();
        assertThat(TargetQueues.key("mailto:someone@example.com")).isNull();
    }

    @Test
    void runsAtMostItsConcurrencyPerTargetAndStartsTheNextWhenOneFinishes() {
        TargetQueues queues = queues(2, 10, 100);
        String a = "http://a.test:80";
        for (int i = 0; i < 3; i++) {
            assertThat(queues.reserve(a, 0)).isTrue();
        }

        assertThat(queues.admit(a, delivery("1"))).isTrue();
        assertThat(queues.admit(a, delivery("2"))).isTrue();
        assertThat(queues.admit(a, delivery("3"))).isFalse();

        assertThat(queues.finished(a, delivery("1"), true, true)).extracting(ClaimedDelivery::id).containsExactly("3");
        assertThat(queues.finished(a, delivery("2"), true, true)).isEmpty();
        assertThat(queues.held()).isEqualTo(3);
    }

    @Test
    void aFullTargetTakesNoMoreWhileAnotherTargetStillDoes() {
        TargetQueues queues = queues(1, 3, 6);
        String dead = "http://dead.test:80";
        String alive = "http://alive.test:80";
        for (int i = 0; i < 3; i++) {
            assertThat(queues.reserve(dead, 0)).isTrue();
            queues.admit(dead, delivery("d" + i));
        }

        assertThat(queues.reserve(dead, 0)).isFalse();
        assertThat(queues.fullTargets()).containsExactly(dead);
        assertThat(queues.reserve(alive, 0)).isTrue();
        assertThat(queues.admit(alive, delivery("a"))).isTrue();
        assertThat(queues.room()).isEqualTo(2);
    }

    @Test
    void aTargetTakesPlacesBeyondItsShareOnlyWhileTheHostHoldsLessThanHalfItsCapacity() {
        TargetQueues queues = queues(1, 2, 10);
        String draining = "http://draining.test:80";
        String other = "http://other.test:80";
        for (int i = 0; i < 5; i++) {
            assertThat(queues.reserve(draining, 0)).as("place %d", i).isTrue();
        }
        assertThat(queues.reserve(draining, 0)).isFalse(); // 5 of 10: the host is half full
        assertThat(queues.fullTargets()).containsExactly(draining);
        assertThat(queues.room(List.of(draining))).isZero();
        assertThat(queues.room(List.of(other))).isEqualTo(2); // its own share, no more
        assertThat(queues.reserve(other, 0)).isTrue();
        assertThat(queues.reserve(other, 0)).isTrue();
        assertThat(queues.reserve(other, 0)).isFalse();

        TargetQueues empty = queues(1, 2, 10);
        assertThat(empty.room(List.of(draining))).isEqualTo(5);
        assertThat(empty.fullTargets()).isEmpty();
    }

    @Test
    void theHostHoldsAtMostItsBytesOfEventBodiesAndFreesThemOnceTheOutcomeIsStored() {
        // 1,000 bytes in all, a target's share 100 (10 of 100 places), borrowing while less than 500 are held
        TargetQueues queues = queues(1, 10, 100, 1000);
        String a = "http://a.test:80";
        String b = "http://b.test:80";
        String c = "http://c.test:80";
        assertThat(queues.reserve(a, 400)).isTrue();
        queues.admit(a, delivery("a0", 400));
        assertThat(queues.reserve(a, 400)).as("beyond a's share, borrowed: 400 of 1,000 held").isTrue();
        queues.admit(a, delivery("a1", 400));
        assertThat(queues.reserve(a, 400)).as("1,200 > 1,000").isFalse();
        assertThat(queues.fullTargets()).containsExactly(a);
        assertThat(queues.reserve(b, 100)).isTrue();
        assertThat(queues.heldBytes()).isEqualTo(900);
        assertThat(queues.reserve(c, 200)).isFalse();

        queues.finished(a, delivery("a0", 400), true, true);
        assertThat(queues.fullTargets()).as("a's deliveries left its queue").isEmpty();
        assertThat(queues.reserve(c, 200)).as("its outcome is not stored yet").isFalse();
        queues.release(delivery("a0", 400));
        assertThat(queues.heldBytes()).isEqualTo(500);
        assertThat(queues.reserve(c, 200)).isTrue();
        assertThat(queues.reserve(c, 50)).as("c holds its share and no one borrows at 700 of 1,000").isFalse();
        assertThat(queues.fullTargets()).containsExactly(c);
        assertThat(queues.reserve(b, 50)).as("b too holds its share").isFalse();
        assertThat(queues.reserve("http://d.test:80", 50)).as("d holds nothing yet").isTrue();
    }

    @Test
    void aClaimMayReadTheBodyBytesItsTargetsMayStillTake() {
        // 1,000 bytes in all, a target's share 100, borrowing while less than 500 are held
        TargetQueues queues = queues(1, 10, 100, 1000);
        String a = "http://a.test:80";
        String b = "http://b.test:80";
        assertThat(queues.bytesRoom(List.of(a))).as("borrowing: half the host").isEqualTo(500);
        assertThat(queues.reserve(a, 300)).isTrue();
        assertThat(queues.bytesRoom(List.of(a))).as("still borrowing").isEqualTo(200);
        assertThat(queues.reserve(a, 300)).isTrue();
        assertThat(queues.bytesRoom(List.of(a))).as("a is past its share, nobody borrows at 600").isZero();
        assertThat(queues.bytesRoom(List.of(a, b))).as("b's share").isEqualTo(100);
        assertThat(queues.bytesRoom()).as("a scan: what the host may still hold").isEqualTo(400);
        assertThat(queues.reserve(b, 400)).isTrue();
        assertThat(queues.bytesRoom()).isZero();
        assertThat(queues.bytesRoom(List.of("http://c.test:80"))).as("the host holds all it may").isZero();
    }

    @Test
    void aBodyLargerThanTheHostMayHoldIsLetInWhenTheHostHoldsNothingElse() {
        TargetQueues queues = queues(1, 10, 100, 1000);
        String a = "http://a.test:80";
        assertThat(queues.reserve(a, 5000)).isTrue();
        assertThat(queues.admit(a, delivery("big", 5000))).isTrue();
        assertThat(queues.room()).as("no claim while the host holds all the bytes it may").isZero();
        assertThat(queues.room(List.of("http://b.test:80"))).isZero();
        assertThat(queues.reserve("http://b.test:80", 1)).isFalse();

        queues.finished(a, delivery("big", 5000), true, true);
        queues.release(delivery("big", 5000));
        assertThat(queues.heldBytes()).isZero();
        assertThat(queues.room()).isEqualTo(100);
    }

    @Test
    void theBytesOfDeliveriesTakenOffTheQueuesAreFreed() {
        TargetQueues queues = queues(1, 10, 100, 2000);
        String a = "http://a.test:80";
        assertThat(queues.reserve(a, 300)).isTrue();
        queues.admit(a, delivery("0", 300));
        assertThat(queues.reserve(a, 300)).isTrue();
        queues.admit(a, delivery("1", 300));
        assertThat(queues.reserve(a, 300)).isTrue();
        queues.unreserve(a, 300);
        assertThat(queues.heldBytes()).isEqualTo(600);

        assertThat(queues.removeWaiting(a, waiting -> true)).extracting(ClaimedDelivery::id).containsExactly("1");
        queues.release(delivery("1", 300));
        assertThat(queues.heldBytes()).isEqualTo(300);
        assertThat(queues.reserve(a, 200)).isTrue();
        queues.admit(a, delivery("2", 200));
        assertThat(queues.drainWaiting()).extracting(ClaimedDelivery::id).containsExactly("2");
        assertThat(queues.heldBytes()).isEqualTo(300);
    }

    @Test
    void theHostHoldsAtMostItsCapacityAndFreesAPlaceOnlyOnceTheOutcomeIsStored() {
        TargetQueues queues = queues(4, 2, 3);
        assertThat(queues.reserve("http://a.test:80", 0)).isTrue();
        assertThat(queues.reserve("http://a.test:80", 0)).isTrue();
        assertThat(queues.reserve("http://b.test:80", 0)).isTrue();

        assertThat(queues.reserve("http://c.test:80", 0)).isFalse();
        queues.admit("http://b.test:80", delivery("b"));
        queues.finished("http://b.test:80", delivery("b"), true, true);
        assertThat(queues.room()).isZero();

        queues.release(EMPTY);
        assertThat(queues.room()).isEqualTo(1);
        assertThat(queues.reserve("http://c.test:80", 0)).isTrue();
    }

    @Test
    void anAttemptThatIsOverFreesItsTargetsPlaceAtOnceAndTheHostsOnceItsOutcomeIsStored() {
        TargetQueues queues = queues(1, 2, 3);
        String a = "http://a.test:80";
        reserveAndAdmit(queues, a, 2);
        assertThat(queues.reserve(a, 0)).isFalse();
        assertThat(queues.fullTargets()).containsExactly(a);

        assertThat(queues.finished(a, delivery("0"), true, true)).extracting(ClaimedDelivery::id).containsExactly("1");
        assertThat(queues.fullTargets()).isEmpty();
        assertThat(queues.room(List.of(a))).isEqualTo(1);
        assertThat(queues.reserve(a, 0)).isTrue(); // while "0"'s outcome still waits to be stored
        assertThat(queues.held()).isEqualTo(3);
        assertThat(queues.reserve("http://b.test:80", 0)).isFalse(); // the host's capacity counts that outcome

        queues.release(EMPTY);
        assertThat(queues.held()).isEqualTo(2);
        assertThat(queues.reserve("http://b.test:80", 0)).isTrue();
    }

    @Test
    void aDeliveryTakenOffItsQueueUnattemptedFreesItsTargetsPlace() {
        TargetQueues queues = queues(1, 2, 4);
        String a = "http://a.test:80";
        reserveAndAdmit(queues, a, 2);

        assertThat(queues.removeWaiting(a, waiting -> true)).extracting(ClaimedDelivery::id).containsExactly("1");
        assertThat(queues.room(List.of(a))).isEqualTo(1);
        queues.release(EMPTY);
        assertThat(queues.held()).isEqualTo(1);
        assertThat(queues.finished(a, delivery("0"), true, true)).isEmpty();
        queues.release(EMPTY);
        assertThat(queues.held()).isZero();
        assertThat(queues.room(List.of(a))).isEqualTo(2);
    }

    @Test
    void anUnusedPlaceCanBeGivenBackAndClosingDrainsWhatWaits() {
        TargetQueues queues = queues(1, 5, 5);
        String a = "http://a.test:80";
        assertThat(queues.reserve(a, 0)).isTrue();
        queues.unreserve(a, 0);
        assertThat(queues.held()).isZero();

        for (int i = 0; i < 3; i++) {
            queues.reserve(a, 0);
            queues.admit(a, delivery("" + i));
        }
        assertThat(queues.drainWaiting()).extracting(ClaimedDelivery::id).containsExactly("1", "2");
        assertThat(queues.finished(a, delivery("0"), true, true)).isEmpty();
    }

    @Test
    void consecutiveFailuresPauseATargetItsDeliveriesWaitAndOneProbeClosesItAgain() {
        TargetQueues queues = queues(2, 10, 100);
        String a = "http://a.test:80";
        String b = "http://b.test:80";
        for (int i = 0; i < 6; i++) {
            queues.reserve(a, 0);
        }
        queues.reserve(b, 0);
        assertThat(queues.admit(a, delivery("1"))).isTrue();
        assertThat(queues.admit(a, delivery("2"))).isTrue();
        assertThat(queues.admit(a, delivery("3"))).isFalse();

        // two failures: still closed, the next one starts in the place of the first
        assertThat(queues.finished(a, delivery("1"), false, true)).extracting(ClaimedDelivery::id).containsExactly("3");
        assertThat(queues.finished(a, delivery("2"), false, true)).isEmpty();
        assertThat(queues.health("http://a.test/x")).isEqualTo(CircuitBreaker.Health.HEALTHY);
        // the third in a row opens it: nothing more starts, new deliveries wait
        assertThat(queues.finished(a, delivery("3"), false, true)).isEmpty();
        assertThat(opened).containsExactly(a + " until +30000ms");
        assertThat(queues.health("http://a.test/x")).isEqualTo(CircuitBreaker.Health.OPEN);
        assertThat(queues.openTargets()).isEqualTo(1);
        assertThat(queues.admit(a, delivery("4"))).isFalse();
        assertThat(queues.admit(a, delivery("5"))).isFalse();
        assertThat(queues.resume(a)).as("still cooling down").isEmpty();
        assertThat(queues.admit(b, delivery("b"))).as("another target is not paused").isTrue();

        // the cool-down is over: exactly one probe
        now.addAndGet(30_000);
        assertThat(queues.health("http://a.test/x")).isEqualTo(CircuitBreaker.Health.PROBING);
        assertThat(queues.resume(a)).extracting(ClaimedDelivery::id).containsExactly("4");
        assertThat(queues.resume(a)).isEmpty();
        assertThat(queues.admit(a, delivery("6"))).isFalse();
        // it succeeds: closed, and what waited starts up to the target's concurrency
        assertThat(queues.finished(a, delivery("4"), true, true)).extracting(ClaimedDelivery::id)
                .containsExactly("5", "6");
        assertThat(queues.health("http://a.test/x")).isEqualTo(CircuitBreaker.Health.HEALTHY);
        assertThat(queues.openTargets()).isZero();
    }

    @Test
    void aFailedProbeReopensForLongerAndAProbeNotMadeLetsTheNextDeliveryProbe() {
        TargetQueues queues = queues(1, 10, 100);
        String a = "http://a.test:80";
        for (int i = 0; i < 6; i++) {
            queues.reserve(a, 0);
        }
        for (int i = 1; i <= 3; i++) {
            assertThat(queues.admit(a, delivery("" + i))).isTrue();
            queues.finished(a, delivery("" + i), false, true);
        }
        queues.admit(a, delivery("4"));
        queues.admit(a, delivery("5"));
        now.addAndGet(30_000);
        assertThat(queues.resume(a)).extracting(ClaimedDelivery::id).containsExactly("4");

        // its webhook was trashed meanwhile: no attempt, so the next delivery is the probe
        assertThat(queues.finished(a, delivery("4"), null, true)).extracting(ClaimedDelivery::id)
                .containsExactly("5");
        assertThat(queues.finished(a, delivery("5"), false, true)).isEmpty();
        assertThat(opened).containsExactly(a + " until +30000ms", a + " until +60000ms");
        assertThat(queues.health("http://a.test/")).isEqualTo(CircuitBreaker.Health.OPEN);
    }

    @Test
    void outcomesOfAttemptsStartedBeforeTheBreakerOpenedDoNotDecide() {
        TargetQueues queues = queues(4, 10, 100);
        String a = "http://a.test:80";
        for (int i = 1; i <= 4; i++) {
            queues.reserve(a, 0);
            assertThat(queues.admit(a, delivery("" + i))).isTrue();
        }
        for (int i = 1; i <= 3; i++) {
            queues.finished(a, delivery("" + i), false, true);
        }
        assertThat(queues.health("http://a.test/")).isEqualTo(CircuitBreaker.Health.OPEN);

        queues.finished(a, delivery("4"), true, true);
        assertThat(queues.health("http://a.test/")).as("a straggler's success is not the probe")
                .isEqualTo(CircuitBreaker.Health.OPEN);
    }

    /** Reserves and admits deliveries "0", "1", ... of a target, each place granted. */
    private static void reserveAndAdmit(TargetQueues queues, String key, int count) {
        for (int i = 0; i < count; i++) {
            assertThat(queues.reserve(key, 0)).as("place %d", i).isTrue();
            queues.admit(key, delivery("" + i));
        }
    }
}
