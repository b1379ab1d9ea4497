package io.consolecms.webhooks.delivery.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.webhooks.delivery.RetrySchedule;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2015-10-21T07:00:00Z");

    @Test
    void readsDeltaSeconds() {
        assertThat(RetryAfter.parse("120", NOW)).isEqualTo(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 0 ", NOW)).isEqualTo(Duration.ZERO);
    }

    @Test
    void readsAnImfFixdateAndTheObsoleteHttpDateForms() {
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT", NOW)).isEqualTo(Duration.ofMinutes(28));
        assertThat(RetryAfter.parse("Wednesday, 21-Oct-15 07:28:00 GMT", NOW)).isEqualTo(Duration.ofMinutes(28));
        assertThat(RetryAfter.parse("Wed Oct 21 07:28:00 2015", NOW)).isEqualTo(Duration.ofMinutes(28));
    }

    @Test
    void readsADateInThePastAsNoWait() {
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 06:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
    }

    @Test
    void capsAVeryLongWaitAtTheLongestRetryAfterHonoured() {
        assertThat(RetryAfter.parse("999999999999999999999999", NOW)).isEqualTo(RetrySchedule.MAX_RETRY_AFTER);
        assertThat(RetryAfter.parse("Fri, 01 Jan 2100 00:00:00 GMT", NOW)).isEqualTo(RetrySchedule.MAX_RETRY_AFTER);
    }

    @Test
    void ignoresWhatItCannotRead() {
        assertThat(RetryAfter.parse(null, NOW)).isNull();
        assertThat(RetryAfter.parse("", NOW)).isNull();
        assertThat(RetryAfter.parse("soon", NOW)).isNull();
        assertThat(RetryAfter.parse("-5", NOW)).isNull();
        assertThat(RetryAfter.parse("1.5", NOW)).isNull();
    }
}
