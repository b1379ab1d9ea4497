package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private final SplittableRandom random = new SplittableRandom(42);

    @Test
    void theDefaultGivesEightAttempts() {
        assertThat(RetrySchedule.DEFAULT.maxAttempts()).isEqualTo(8);
        assertThat(RetrySchedule.DEFAULT.nextDelay(8, null, random)).isEmpty();
    }

    @Test
    void jittersWithinTenPercentOfTheScheduledDelay() {
        RetrySchedule schedule = new RetrySchedule(List.of(Duration.ofSeconds(10), Duration.ofMinutes(1)));
        for (int i = 0; i < 200; i++) {
            assertThat(schedule.nextDelay(1, null, random).orElseThrow())
                    .isBetween(Duration.ofMillis(9_000), Duration.ofMillis(11_000));
            assertThat(schedule.nextDelay(2, null, random).orElseThrow())
                    .isBetween(Duration.ofSeconds(54), Duration.ofSeconds(66));
        }
        assertThat(schedule.nextDelay(3, null, random)).isEmpty();
    }

    @Test
    void honoursALongerRetryAfterUpToADay() {
        RetrySchedule schedule = new RetrySchedule(List.of(Duration.ofSeconds(5)));
        assertThat(schedule.nextDelay(1, Duration.ofMinutes(3), random)).contains(Duration.ofMinutes(3));
        assertThat(schedule.nextDelay(1, Duration.ofDays(3), random)).contains(Duration.ofHours(24));
        assertThat(schedule.nextDelay(1, Duration.ofSeconds(1), random).orElseThrow()).isGreaterThan(Duration.ofSeconds(4));
    }
}
