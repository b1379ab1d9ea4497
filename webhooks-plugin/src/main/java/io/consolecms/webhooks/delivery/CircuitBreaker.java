package io.consolecms.webhooks.delivery;

import java.time.Duration;

/**
 * The circuit breaker of one target, as a pure state machine over the times it is given: after {@code threshold}
 * consecutive failed attempts it opens, and attempts pause for a cool-down that starts at {@code cooldown} and doubles
 * at each reopening up to {@code maxCooldown}; once the cool-down is over one attempt, the probe, decides: success
 * closes the breaker, failure opens it again for the next cool-down. Not thread-safe: {@link TargetQueues} guards it.
 */
final class CircuitBreaker {

    /** What a webhook document shows of its target's breaker. */
    enum Health {
        HEALTHY, OPEN, PROBING;

        String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Whether an attempt may start now, and as what. */
    enum Permit {
        /** The breaker is closed: attempt as usual. */
        ATTEMPT,
        /** The cool-down is over and this attempt is the probe whose outcome decides. */
        PROBE,
        /** Attempts are paused: the delivery waits, its attempts unspent. */
        WAIT
    }

    private final int threshold;
    private final long cooldown;
    private final long maxCooldown;
    private int failures;
    /** How many times it opened since it last closed; 0 when closed. */
    private int openings;
    private long openUntil;
    private boolean probing;

    CircuitBreaker(int threshold, Duration cooldown, Duration maxCooldown) {
        if (threshold < 1 || cooldown.isNegative() || cooldown.isZero() || maxCooldown.compareTo(cooldown) < 0) {
            throw new IllegalArgumentException("need threshold >= 1 and 0 < cooldown <= maxCooldown");
        }
        this.threshold = threshold;
        this.cooldown = cooldown.toMillis();
        this.maxCooldown = maxCooldown.toMillis();
    }

    /** Asks to start an attempt at {@code now}; a {@link Permit#PROBE} must be answered by {@link #probed}. */
    Permit permit(long now) {
        if (openings == 0) {
            return Permit.ATTEMPT;
        }
        if (now < openUntil || probing) {
            return Permit.WAIT;
        }
        probing = true;
        return Permit.PROBE;
    }

    /**
     * The outcome of an attempt allowed as {@link Permit#ATTEMPT}. Outcomes of attempts that started before the
     * breaker opened change nothing while it is open: only the probe decides then.
     *
     * @return whether this outcome opened the breaker
     */
    boolean attempted(boolean succeeded, long now) {
        if (openings > 0) {
            return false;
        }
        if (succeeded) {
            failures = 0;
            return false;
        }
        failures++;
        if (failures < threshold) {
            return false;
        }
        open(now);
        return true;
    }

    /** The outcome of the probe: success closes the breaker, failure opens it for a longer cool-down. */
    void probed(boolean succeeded, long now) {
        probing = false;
        if (succeeded) {
            failures = 0;
            openings = 0;
            openUntil = 0;
        } else {
            open(now);
        }
    }

    /** The probe was not made after all (e.g. its webhook was trashed meanwhile): the next attempt may probe. */
    void probeNotMade() {
        probing = false;
    }

    private void open(long now) {
        long wait = cooldown;
        for (int i = 0; i < openings && wait < maxCooldown; i++) {
            wait *= 2;
        }
        openings++;
        openUntil = now + Math.min(wait, maxCooldown);
    }

    Health health(long now) {
        if (openings == 0) {
            return Health.HEALTHY;
        }
        return now < openUntil ? Health.OPEN : Health.PROBING;
    }

    /** Whether it is closed with no failure counted: nothing to remember. */
    boolean idle() {
        return openings == 0 && failures == 0;
    }

    boolean closed() {
        return openings == 0;
    }

    /** When the cool-down ends (epoch millis); meaningful while not {@link #closed()}. */
    long openUntil() {
        return openUntil;
    }

    /** Whether the probe is out. */
    boolean probing() {
        return probing;
    }
}
