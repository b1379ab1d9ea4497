package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    private static int take(TokenBucket bucket, long at) {
        int taken = 0;
        while (bucket.tryTake(at)) {
            taken++;
        }
        return taken;
    }

    @Test
    void startsWithATenthOfASecondsWorthThenFillsAtTheRate() {
        TokenBucket bucket = new TokenBucket(50, 0);
        assertThat(take(bucket, 0)).isEqualTo(5);
        assertThat(bucket.tryTake(19 * MS)).isFalse();
        assertThat(bucket.tryTake(20 * MS)).as("one token every 20 ms at 50/s").isTrue();
        assertThat(bucket.tryTake(20 * MS)).isFalse();
    }

    @Test
    void neverLetsMoreThanTheRatePlusOneBurstThroughInASecond() {
        TokenBucket bucket = new TokenBucket(50, 0);
        int taken = 0;
        for (long at = 0; at <= SECOND; at += MS) {
            taken += take(bucket, at);
        }
        assertThat(taken).isEqualTo(55);
        assertThat(take(bucket, 100 * SECOND)).as("idle time saves at most a burst").isEqualTo(5);
    }

    @Test
    void whileDeliveriesWaitALateWakeUpCatchesUpToAQuarterOfASecondsWorthInsteadOfLosingTokens() {
        TokenBucket bucket = new TokenBucket(50, 0);
        take(bucket, 0);
        int released = 0;
        while (bucket.tryTakeWaiting(200 * MS)) {
            released++;
        }
        assertThat(released).as("woken 200 ms late: the 10 tokens of those 200 ms").isEqualTo(10);
        int afterAStall = 0;
        while (bucket.tryTakeWaiting(10 * SECOND)) {
            afterAStall++;
        }
        assertThat(afterAStall).as("at most a quarter of a second's worth").isEqualTo(12);
        assertThat(take(bucket, 20 * SECOND)).as("idle again: a burst").isEqualTo(5);
    }

    @Test
    void saysHowLongUntilTheTokensForWhatWaitsAreThere() {
        TokenBucket bucket = new TokenBucket(50, 0);
        take(bucket, 0);
        assertThat(bucket.nanosUntil(1, 0)).isEqualTo(20 * MS);
        assertThat(bucket.nanosUntil(100, 0)).as("at most a burst").isEqualTo(100 * MS);
        assertThat(bucket.nanosUntil(1, 20 * MS)).isZero();

        TokenBucket slow = new TokenBucket(1, 0);
        assertThat(take(slow, 0)).isEqualTo(1);
        assertThat(slow.nanosUntil(10, 0)).isEqualTo(SECOND);
    }

    @Test
    void aNewRateAppliesFromNowOn() {
        TokenBucket bucket = new TokenBucket(10_000, 0);
        assertThat(take(bucket, 0)).isEqualTo(1_000);
        bucket.rate(10, 0);
        assertThat(bucket.rate()).isEqualTo(10);
        assertThat(take(bucket, 100 * MS)).isEqualTo(1);
        assertThatThrownBy(() -> new TokenBucket(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
