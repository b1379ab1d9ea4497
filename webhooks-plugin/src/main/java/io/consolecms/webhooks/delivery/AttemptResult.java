package io.consolecms.webhooks.delivery;

import java.time.Duration;

/**
 * What one attempt came to: a value, never an exception, for every outcome a receiver or the network can give.
 *
 * @param succeeded whether the receiver answered 2xx
 * @param statusCode the receiver's status code, or {@code null} when there was no answer (timeout, refused, TLS, policy)
 * @param retryAfter the receiver's {@code Retry-After} on 429/503, or {@code null}
 * @param error a short description of the failure, at most {@link #MAX_ERROR} characters, or {@code null}
 * @param responseBody the start of the receiver's answer, at most {@link #MAX_BODY_BYTES} bytes, or {@code null}
 * @param durationMs how long the attempt took
 */
public record AttemptResult(boolean succeeded, Integer statusCode, Duration retryAfter, String error,
                            String responseBody, long durationMs) {

    public static final int MAX_ERROR = 1024;
    public static final int MAX_BODY_BYTES = 4096;

    public AttemptResult {
        if (error != null && error.length() > MAX_ERROR) {
            error = error.substring(0, MAX_ERROR);
        }
    }

    /** Whether the receiver said the webhook is gone for good (410): the delivery stops and the webhook goes to DRAFT. */
    public boolean gone() {
        return statusCode != null && statusCode == 410;
    }

    /** An attempt with no HTTP answer: timeout, connection refused, TLS failure, target policy, … */
    public static AttemptResult noAnswer(String error, long durationMs) {
        return new AttemptResult(false, null, null, error, null, durationMs);
    }
}
