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

    /** Whether this outcome moves the webhook to DRAFT (the receiver answered 410 Gone). */
    boolean webhookGone() {
        return outcome.result() != null && outcome.result().gone();
    }
}
