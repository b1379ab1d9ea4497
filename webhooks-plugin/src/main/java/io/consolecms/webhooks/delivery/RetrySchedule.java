package io.consolecms.webhooks.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The delays between delivery attempts ({@code CMS_WEBHOOKS_RETRY_SCHEDULE}): after the n-th failed attempt the next
 * one follows the n-th delay, jittered by ±10 % so that retries to one target spread out; a {@code Retry-After} longer
 * than the scheduled delay wins, up to {@link #MAX_RETRY_AFTER}. Its length + 1 is the number of attempts.
 *
 * @param delays the delays, in order; may be empty (one attempt only)
 */
public record RetrySchedule(List<Duration> delays) {

    public static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);
    public static final RetrySchedule DEFAULT = new RetrySchedule(List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10)));

    public RetrySchedule {
        delays = List.copyOf(delays);
        for (Duration delay : delays) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("a retry delay cannot be negative: " + delay);
            }
        }
    }

    /** How many attempts a delivery gets in all. */
    public int maxAttempts() {
        return delays.size() + 1;
    }

    /**
     * The wait before the next attempt, or empty when {@code attemptsMade} attempts used them all.
     *
     * @param attemptsMade attempts made so far, at least 1
     * @param retryAfter the receiver's {@code Retry-After}, or {@code null}
     * @param random the source of jitter
     */
    public Optional<Duration> nextDelay(int attemptsMade, Duration retryAfter, RandomGenerator random) {
        if (attemptsMade < 1 || attemptsMade > delays.size()) {
            return Optional.empty();
        }
        Duration scheduled = delays.get(attemptsMade - 1);
        long millis = scheduled.toMillis();
        long jittered = Math.round(millis * (0.9 + 0.2 * random.nextDouble()));
        Duration delay = Duration.ofMillis(jittered);
        if (retryAfter != null && retryAfter.compareTo(scheduled) > 0) {
            delay = retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
        }
        return Optional.of(delay);
    }
}
