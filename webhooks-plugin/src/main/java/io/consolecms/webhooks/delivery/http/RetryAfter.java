package io.consolecms.webhooks.delivery.http;

import io.consolecms.webhooks.delivery.RetrySchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;

/** A receiver's {@code Retry-After} header: delta-seconds ({@code 120}) or an HTTP-date. */
final class RetryAfter {

    /** The three forms of HTTP-date recipients must read (RFC 9110, 5.6.7): IMF-fixdate, RFC 850, asctime. */
    private static final List<DateTimeFormatter> HTTP_DATES = List.of(
            DateTimeFormatter.RFC_1123_DATE_TIME,
            new DateTimeFormatterBuilder()
                    .parseCaseInsensitive()
                    .appendPattern("EEEE, dd-MMM-")
                    .appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
                    .appendPattern(" HH:mm:ss zzz")
                    .toFormatter(Locale.US),
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC));

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
        for (DateTimeFormatter format : HTTP_DATES) {
            try {
                Duration wait = Duration.between(now, Instant.from(format.parse(text)));
                return wait.isNegative() ? Duration.ZERO
                        : wait.compareTo(RetrySchedule.MAX_RETRY_AFTER) > 0 ? RetrySchedule.MAX_RETRY_AFTER : wait;
            } catch (DateTimeParseException notThisForm) {
                // try the next form
            }
        }
        return null;
    }
}
