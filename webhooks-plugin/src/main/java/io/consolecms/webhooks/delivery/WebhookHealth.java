package io.consolecms.webhooks.delivery;

import java.util.List;

/**
 * A webhook's health over the last hours, as {@code GET /api/webhooks/{id}/stats} answers it: its attempts per hour by
 * outcome with their latency, the totals of the window, and its deliveries created in the window by status.
 *
 * <p>An attempt's outcome: {@code succeeded} (the target answered 2xx), {@code failed} (it answered something else)
 * or {@code error} (no answer: timeout, refused connection, TLS or target policy).
 *
 * @param hours the window's length in hours
 * @param from the start of the window: the start of the oldest hour (UTC hours)
 * @param to the end of the window: now
 * @param hourly one entry per hour, oldest first, the last one the current (partial) hour
 */
record WebhookHealth(String webhookId, int hours, String from, String to, Totals attempts, Deliveries deliveries,
                     List<Hour> hourly) {

    /**
     * One hour's attempts.
     *
     * @param hour the hour's start (ISO-8601, UTC)
     * @param p50Ms the median duration of the hour's attempts in milliseconds, {@code null} when there were none
     * @param p95Ms the duration 95 % of the hour's attempts took at most, {@code null} when there were none
     */
    record Hour(String hour, int succeeded, int failed, int error, Long p50Ms, Long p95Ms) {
    }

    /**
     * The window's attempts.
     *
     * @param successRate succeeded / attempts, from 0 to 1; {@code null} when there was no attempt
     */
    record Totals(int total, int succeeded, int failed, int error, Double successRate, Long p50Ms, Long p95Ms) {
    }

    /** The deliveries created in the window, by their status now. */
    record Deliveries(int total, int pending, int succeeded, int failed) {
    }
}
