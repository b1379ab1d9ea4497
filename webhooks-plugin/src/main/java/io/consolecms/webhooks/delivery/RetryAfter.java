package io.consolecms.webhooks.delivery;

import java.time.Duration;
import java.time.Instant;
import org.apache.hc.client5.http.utils.DateUtils;

/** A receiver's {@code Retry-After} header: delta-seconds ({@code 120}) or an HTTP-date. */
final class RetryAfter {

    private RetryAfter() {
    }

    /**
     * How long the receiver asks to wait, from {@code now}: never negative, at most
     * {@link RetrySchedule#MAX_RETRY_AFTER}; {@code null} when the value is absent or unreadable.
     */
    static Duration parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        if (text.chars().allMatch(Character::isDigit)) {
            // more digits than a long holds are still "a very long time"
            long seconds = text.length() > 12 ? Long.MAX_VALUE : Long.parseLong(text);
            return seconds >= RetrySchedule.MAX_RETRY_AFTER.toSeconds()
                    ? RetrySchedule.MAX_RETRY_AFTER : Duration.ofSeconds(seconds);
        }
        Instant date = DateUtils.parseStandardDate(text);
        if (date == null) {
            return null;
        }
        Duration wait = Duration.between(now, date);
        return wait.isNegative() ? Duration.ZERO : cap(wait);
    }

    private static Duration cap(Duration wait) {
        return wait.compareTo(RetrySchedule.MAX_RETRY_AFTER) > 0 ? RetrySchedule.MAX_RETRY_AFTER : wait;
    }
}
