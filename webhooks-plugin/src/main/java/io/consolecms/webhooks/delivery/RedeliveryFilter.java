package io.consolecms.webhooks.delivery;

import java.time.Instant;
import java.util.Objects;

/**
 * Which settled deliveries to deliver again: created in {@code [since, until)}, in {@code status}, and, where set, of
 * one event name and one webhook.
 *
 * @param status {@link DeliveryStatus#FAILED} or {@link DeliveryStatus#SUCCEEDED}: pending ones are queued already
 * @param eventName an event name, or {@code null} for every event
 * @param webhookId a webhook's id, or {@code null} for the deliveries of every published webhook
 */
record RedeliveryFilter(Instant since, Instant until, DeliveryStatus status, String eventName, String webhookId) {

    RedeliveryFilter {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        Objects.requireNonNull(status, "status");
        if (status == DeliveryStatus.PENDING) {
            throw new IllegalArgumentException("pending deliveries are queued already");
        }
    }
}
