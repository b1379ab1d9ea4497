package io.consolecms.webhooks.delivery;

/**
 * The outcome of a test event, answered by {@code POST /api/webhooks/{id}/test}; every member is present, {@code null}
 * when it does not apply.
 */
public record PingResult(String deliveryId, boolean succeeded, Integer statusCode, long durationMs, String error,
                         String responseBody) {
}
