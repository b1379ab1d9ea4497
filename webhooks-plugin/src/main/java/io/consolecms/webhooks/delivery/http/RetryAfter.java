package io.consolecms.webhooks.delivery.http;

import io.consolecms.webhooks.delivery.RetrySchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.hc.client5.http.utils.DateUtils;

/** A receiver's {@code Retry-After} header: delta-seconds ({@code 120}) or an HTTP-date. */
final class RetryAfter {

    /**
     * The three forms of HTTP-date recipients must read (RFC 9110, 5.6.7): IMF-fixdate, RFC 850, asctime. The client
     * library's asctime form has no zone, so {@code parseStandardDate} cannot make an instant of it: asctime is UTC.
     */
    private static final DateTimeFormatter[] HTTP_DATES = {DateUtils.FORMATTER_RFC1123, DateUtils.FORMATTER_RFC1036,
            DateUtils.FORMATTER_ASCTIME.withZone(ZoneOffset.UTC)};

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
        if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // more digits than a long holds are still "a very long time"
            long seconds = text.length() > 12 ? Long.MAX_VALUE : Long.parseLong(text);
            return seconds >= RetrySchedule.MAX_RETRY_AFTER.toSeconds()
                    ? RetrySchedule.MAX_RETRY_AFTER : Duration.ofSeconds(seconds);
        }
        Instant at = DateUtils.parseDate(text, HTTP_DATES);
        if (at == null) {
            return null;
        }
        Duration wait = Duration.between(now, at);
        return wait.isNegative() ? Duration.ZERO
                : wait.compareTo(RetrySchedule.MAX_RETRY_AFTER) > 0 ? RetrySchedule.MAX_RETRY_AFTER : wait;
    }
}
