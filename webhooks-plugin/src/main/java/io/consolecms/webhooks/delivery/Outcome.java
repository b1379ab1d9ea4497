package io.consolecms.webhooks.delivery;

import java.util.Objects;

/**
 * What became of one claimed delivery: either an attempt was made, or it was given up without one.
 *
 * @param delivery the claimed delivery
 * @param at when the attempt started (epoch millis), or when it was given up
 * @param result the attempt's result, or {@code null} when given up
 * @param abandonedBecause why it was given up without an attempt, or {@code null}
 */
record Outcome(ClaimedDelivery delivery, long at, AttemptResult result, String abandonedBecause) {

    Outcome {
        Objects.requireNonNull(delivery, "delivery");
        if ((result == null) == (abandonedBecause == null)) {
            throw new IllegalArgumentException("an outcome is either an attempt or an abandonment");
        }
    }

    static Outcome attempted(ClaimedDelivery delivery, long at, AttemptResult result) {
        return new Outcome(delivery, at, result, null);
    }

    static Outcome abandoned(ClaimedDelivery delivery, long at, String reason) {
        return new Outcome(delivery, at, null, reason);
    }
}
