package io.consolecms.webhooks.delivery;

import static io.consolecms.webhooks.delivery.Retention.MAX_BATCH;
import static io.consolecms.webhooks.delivery.Retention.MIN_BATCH;
import static io.consolecms.webhooks.delivery.Retention.nextBatchSize;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How the retention sizes its batches so that each takes about {@link Retention#BATCH_TARGET}. */
class RetentionBatchSizeTest {

    private static final long TARGET = Retention.BATCH_TARGET.toNanos();

    @Test
    void aBatchThatTookTheTargetKeepsItsSize() {
        assertThat(nextBatchSize(80, 80, TARGET)).isEqualTo(80);
    }

    @Test
    void aBatchThatTookLongerShrinksTheNextHalfwayToWhatFitsTheTarget() {
        // 200 in twice the target: 100 would have fitted; halfway from 200 is 150
        assertThat(nextBatchSize(200, 200, TARGET * 2)).isEqualTo(150);
        assertThat(nextBatchSize(150, 150, TARGET * 2)).isEqualTo(113);
    }

    @Test
    void aFasterBatchGrowsTheNext() {
        // 10 in a fifth of the target: 50 would have fitted; halfway from 10 is 30
        assertThat(nextBatchSize(10, 10, TARGET / 5)).isEqualTo(30);
    }

    @Test
    void aPartialBatchIsJudgedByItsTimePerCandidate() {
        // the last batch of a sweep found 20 of 80 in half the target: 40 would have fitted; halfway from 80 is 60
        assertThat(nextBatchSize(80, 20, TARGET / 2)).isEqualTo(60);
    }

    @Test
    void staysWithinTheSmallestAndTheLargestBatch() {
        assertThat(nextBatchSize(MIN_BATCH, MIN_BATCH, TARGET * 100)).isEqualTo(MIN_BATCH);
        assertThat(nextBatchSize(MAX_BATCH, MAX_BATCH, TARGET / 100)).isEqualTo(MAX_BATCH);
        assertThat(nextBatchSize(MAX_BATCH, MAX_BATCH, 0)).isEqualTo(MAX_BATCH);
    }
}
