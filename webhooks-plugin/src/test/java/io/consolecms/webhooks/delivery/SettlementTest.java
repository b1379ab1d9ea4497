package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SettlementTest {

    private static final RetrySchedule TWO_RETRIES = new RetrySchedule(List.of(Duration.ofSeconds(10),
            Duration.ofMinutes(1)));
    private static final long AT = 1_700_000_000_000L;

    private static ClaimedDelivery delivery(int attempts, int roundStart) {
        return created(attempts, roundStart, AT - 1_000);
    }

    private static ClaimedDelivery created(int attempts, int roundStart, long createdAt) {
        return new ClaimedDelivery("d1", "w1", "e1", "project_created", attempts, roundStart, "PUBLIC",
                "http://a.test/", SigningSecrets.NONE, null, null, new byte[0], 0, 0L, createdAt);
    }

    private static Settlement settle(ClaimedDelivery delivery, AttemptResult result) {
        return Settlement.of(Outcome.attempted(delivery, AT, result), TWO_RETRIES, new SplittableRandom(1));
    }

    private static AttemptResult answered(int status, Duration retryAfter) {
        return new AttemptResult(status >= 200 && status < 300, status, retryAfter, null, null, 250);
    }

    @Test
    void aTwoHundredSettlesTheDeliveryAsSucceeded() {
        Settlement settlement = settle(delivery(0, 0), answered(204, null));

        assertThat(settlement.status()).isEqualTo(DeliveryStatus.SUCCEEDED);
        assertThat(settlement.attempts()).isEqualTo(1);
        assertThat(settlement.nextAttemptAt()).isNull();
        assertThat(settlement.error()).isNull();
        assertThat(settlement.settled()).isTrue();
    }

    @Test
    void onlyAFirstAttemptThatSucceededWithinTheHourIsKeptInTheDeliveryRow() {
        long hour = Duration.ofHours(1).toMillis();

        assertThat(settle(delivery(0, 0), answered(204, null)).attemptInDeliveryRow()).isTrue();
        assertThat(settle(created(0, 0, AT - hour + 1), answered(200, null)).attemptInDeliveryRow()).isTrue();
        // later than the hour: the health would not look for it among the window's deliveries
        assertThat(settle(created(0, 0, AT - hour), answered(200, null)).attemptInDeliveryRow()).isFalse();
        // a failure, a retry that succeeded, a redelivery's attempt: rows of attempts
        assertThat(settle(delivery(0, 0), answered(500, null)).attemptInDeliveryRow()).isFalse();
        assertThat(settle(delivery(1, 0), answered(200, null)).attemptInDeliveryRow()).isFalse();
        assertThat(settle(delivery(1, 1), answered(200, null)).attemptInDeliveryRow()).isFalse();
        // abandoned, no attempt at all
        Settlement abandoned = Settlement.of(Outcome.abandoned(delivery(0, 0), AT, "deleted"), TWO_RETRIES,
                new SplittableRandom(1));
        assertThat(abandoned.attemptInDeliveryRow()).isFalse();
    }

    @Test
    void aFailureIsRetriedAfterTheScheduledDelayJitteredAndCountedFromTheEndOfTheAttempt() {
        Settlement settlement = settle(delivery(0, 0), answered(500, null));

        assertThat(settlement.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(settlement.settled()).isFalse();
        assertThat(settlement.nextAttemptAt()).isBetween(AT + 250 + 9_000, AT + 250 + 11_000);
        assertThat(settlement.error()).isEqualTo("the receiver answered 500");
        assertThat(settlement.statusCode()).isEqualTo(500);
    }

    @Test
    void retryAfterWinsWhenItAsksForMoreThanTheSchedule() {
        Settlement longer = settle(delivery(0, 0), answered(429, Duration.ofMinutes(5)));
        Settlement shorter = settle(delivery(0, 0), answered(503, Duration.ofSeconds(1)));

        assertThat(longer.nextAttemptAt()).isEqualTo(AT + 250 + Duration.ofMinutes(5).toMillis());
        assertThat(shorter.nextAttemptAt()).isBetween(AT + 250 + 9_000, AT + 250 + 11_000);
    }

    @Test
    void failsOnceTheAttemptsOfTheCurrentRoundRunOut() {
        Settlement last = settle(delivery(2, 0), answered(500, null));
        // a redelivered delivery starts a new round: its earlier attempts do not count against it
        Settlement redelivered = settle(delivery(3, 3), answered(500, null));

        assertThat(last.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(last.attempts()).isEqualTo(3);
        assertThat(last.nextAttemptAt()).isNull();
        assertThat(redelivered.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(redelivered.attempts()).isEqualTo(4);
    }

    @Test
    void aGoneReceiverStopsTheDeliveryAndTheWebhook() {
        Settlement gone = settle(delivery(0, 0), answered(410, null));

        assertThat(gone.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(gone.webhookGone()).isTrue();
        assertThat(gone.error()).contains("410 Gone");
        assertThat(settle(delivery(0, 0), answered(404, null)).webhookGone()).isFalse();
    }

    @Test
    void anAbandonedDeliveryFailsWithoutCountingAnAttempt() {
        Settlement abandoned = Settlement.of(Outcome.abandoned(delivery(1, 0), AT, "the webhook was deleted"),
                TWO_RETRIES, new SplittableRandom(1));

        assertThat(abandoned.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(abandoned.attempts()).isEqualTo(1);
        assertThat(abandoned.error()).isEqualTo("the webhook was deleted");
        assertThat(abandoned.webhookGone()).isFalse();
    }

    @Test
    void aTimeoutWithoutAnswerKeepsItsErrorAndHasNoStatusCode() {
        Settlement settlement = settle(delivery(0, 0), AttemptResult.noAnswer("timed out after 15s", 15_000));

        assertThat(settlement.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(settlement.statusCode()).isNull();
        assertThat(settlement.error()).isEqualTo("timed out after 15s");
        assertThat(settlement.nextAttemptAt()).isGreaterThanOrEqualTo(AT + 15_000 + 9_000);
    }
}
