package io.consolecms.webhooks.collection;

/**
 * The outcome of a webhook's latest delivery, as the delivery engine records it on the webhook.
 *
 * @param status e.g. {@code succeeded} or {@code failed}
 * @param at when it happened, epoch milliseconds
 * @param eventName the event that was delivered
 * @param statusCode the receiver's HTTP status, or {@code null} when there was no answer
 */
public record LastDelivery(String status, long at, String eventName, Integer statusCode) {
}
