package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.webhooks.delivery.CircuitBreaker.Health;
import io.consolecms.webhooks.delivery.CircuitBreaker.Permit;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private static final long T0 = 1_000_000L;
    private static final long SECOND = 1_000L;

    private final CircuitBreaker breaker = new CircuitBreaker(10, Duration.ofSeconds(30), Duration.ofMinutes(10));

    private void fail(int times, long at) {
        for (int i = 0; i < times; i++) {
            breaker.attempted(false, at);
        }
    }

    @Test
    void tenConsecutiveFailuresOpenItAndASuccessInBetweenStartsTheCountAgain() {
        fail(9, T0);
        assertThat(breaker.attempted(true, T0)).isFalse();
        fail(9, T0);
        assertThat(breaker.health(T0)).isEqualTo(Health.HEALTHY);
        assertThat(breaker.permit(T0)).isEqualTo(Permit.ATTEMPT);

        assertThat(breaker.attempted(false, T0)).as("the tenth failure in a row opens it").isTrue();
        assertThat(breaker.health(T0)).isEqualTo(Health.OPEN);
        assertThat(breaker.permit(T0 + 29 * SECOND)).isEqualTo(Permit.WAIT);
        assertThat(breaker.openUntil()).isEqualTo(T0 + 30 * SECOND);
    }

    @Test
    void afterTheCoolDownOneProbeDecidesAndItsSuccessClosesIt() {
        fail(10, T0);
        long later = T0 + 30 * SECOND;
        assertThat(breaker.health(later)).isEqualTo(Health.PROBING);
        assertThat(breaker.permit(later)).isEqualTo(Permit.PROBE);
        assertThat(breaker.permit(later)).as("one probe at a time").isEqualTo(Permit.WAIT);

        breaker.probed(true, later + SECOND);
        assertThat(breaker.health(later + SECOND)).isEqualTo(Health.HEALTHY);
        assertThat(breaker.permit(later + SECOND)).isEqualTo(Permit.ATTEMPT);
        assertThat(breaker.idle()).isTrue();
        fail(9, later);
        assertThat(breaker.health(later)).as("the count starts again from zero").isEqualTo(Health.HEALTHY);
    }

    @Test
    void eachFailedProbeDoublesTheCoolDownUpToTenMinutesAndASuccessResetsIt() {
        fail(10, T0);
        long at = T0;
        long[] expected = {60, 120, 240, 480, 600, 600};
        for (long seconds : expected) {
            at = breaker.openUntil();
            assertThat(breaker.permit(at)).isEqualTo(Permit.PROBE);
            breaker.probed(false, at);
            assertThat(breaker.health(at)).isEqualTo(Health.OPEN);
            assertThat(breaker.openUntil() - at).isEqualTo(seconds * SECOND);
        }
        at = breaker.openUntil();
        assertThat(breaker.permit(at)).isEqualTo(Permit.PROBE);
        breaker.probed(true, at);
        fail(10, at);
        assertThat(breaker.openUntil() - at).as("closed once: the next opening starts at 30 s again")
                .isEqualTo(30 * SECOND);
    }

    @Test
    void whileOpenOnlyTheProbeDecidesAndAProbeNotMadeFreesTheSlot() {
        fail(10, T0);
        assertThat(breaker.attempted(true, T0 + SECOND)).as("an attempt started before it opened").isFalse();
        assertThat(breaker.health(T0 + SECOND)).isEqualTo(Health.OPEN);

        long later = T0 + 30 * SECOND;
        assertThat(breaker.permit(later)).isEqualTo(Permit.PROBE);
        breaker.probeNotMade();
        assertThat(breaker.permit(later)).isEqualTo(Permit.PROBE);
    }
}
