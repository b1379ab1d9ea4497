package io.consolecms.webhooks.delivery;

import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The new state of a delivery after an outcome: the retry and 410 policy, as a pure function of the outcome, the
 * retry schedule and a source of jitter. No I/O: the {@link Outbox} stores what this decides.
 *
 * @param outcome what happened
 * @param attempts the delivery's attempt count afterwards
 * @param status {@code pending} (with {@code nextAttemptAt}), {@code succeeded} or {@code failed}
 * @param nextAttemptAt when the next attempt is due (epoch millis), or {@code null} when settled for good
 * @param statusCode the receiver's status code, or {@code null}
 * @param error why the attempt failed, or {@code null}
 */
record Settlement(Outcome outcome, int attempts, DeliveryStatus status, Long nextAttemptAt, Integer statusCode,
                  String error) {

    /**
     * How soon after its delivery's creation a first attempt that succeeded is kept in the delivery's row rather than
     * in a row of its own (see {@link #attemptInDeliveryRow}). The health reads such attempts by the creation time of
     * their deliveries, from this long before its window on.
     */
    static final Duration ATTEMPT_IN_ROW_WITHIN = Duration.ofHours(1);

    static final String GONE = "the receiver answered 410 Gone: delivery stopped and the webhook moved to DRAFT";

    static Settlement of(Outcome outcome, RetrySchedule schedule, RandomGenerator random) {
        ClaimedDelivery delivery = outcome.delivery();
        AttemptResult result = outcome.result();
        if (result == null) {
            return new Settlement(outcome, delivery.attempts(), DeliveryStatus.FAILED, null, null,
                    outcome.abandonedBecause());
        }
        int attempts = delivery.attempts() + 1;
        if (result.succeeded()) {
            return new Settlement(outcome, attempts, DeliveryStatus.SUCCEEDED, null, result.statusCode(), null);
        }
        String error = result.error() != null ? result.error() : "the receiver answered " + result.statusCode();
        if (result.gone()) {
            return new Settlement(outcome, attempts, DeliveryStatus.FAILED, null, result.statusCode(), GONE);
        }
        Optional<Duration> delay = schedule.nextDelay(attempts - delivery.roundStart(), result.retryAfter(), random);
        return delay
                .map(wait -> new Settlement(outcome, attempts, DeliveryStatus.PENDING,
                        outcome.at() + result.durationMs() + wait.toMillis(), result.statusCode(), error))
                .orElseGet(() -> new Settlement(outcome, attempts, DeliveryStatus.FAILED, null, result.statusCode(),
                        error));
    }

    /** Whether the delivery is settled for good: no attempt follows. */
    boolean settled() {
        return status != DeliveryStatus.PENDING;
    }

    /**
     * Whether the attempt is kept in the delivery's own row instead of a row of attempts: the delivery's first attempt
     * ever, succeeded, less than {@link #ATTEMPT_IN_ROW_WITHIN} after the delivery was stored. Most deliveries settle
     * so, and in a profile of a drain the rows of attempts took a fifth of the writer's time. Any later attempt (a
     * redelivery's) has a row of attempts, so the one in the delivery's row never changes once written.
     */
    boolean attemptInDeliveryRow() {
        AttemptResult result = outcome.result();
        return result != null && result.succeeded() && attempts == 1
                && outcome.at() - outcome.delivery().createdAt() < ATTEMPT_IN_ROW_WITHIN.toMillis();
    }

    /** Whether this outcome moves the webhook to DRAFT (the receiver answered 410 Gone). */
    boolean webhookGone() {
        return outcome.result() != null && outcome.result().gone();
    }
}
