/**
 * Delivering Console events to webhooks, durably.
 *
 * <p>{@link io.consolecms.webhooks.delivery.EventIngest} stores each published event with one pending delivery per
 * matching PUBLIC webhook in one transaction and wakes the {@link io.consolecms.webhooks.delivery.Dispatcher}, which
 * claims due deliveries from the outbox (the {@code webhook_deliveries} table) under a lease, sends them through a
 * {@link io.consolecms.webhooks.delivery.DeliverySender} with a per-target concurrency limit, and settles each
 * attempt: succeeded, pending until the next attempt of the {@link io.consolecms.webhooks.delivery.RetrySchedule}, or
 * failed. Pending work lives only in the database, so a host that dies loses nothing: its leases expire and another
 * host (or itself, restarted) makes the attempts again. A {@link io.consolecms.webhooks.delivery.CircuitBreaker} per
 * target pauses the attempts to a target that keeps failing, {@link io.consolecms.webhooks.delivery.RateLimits} holds
 * back the deliveries of a webhook with a {@code rateLimit}, and {@link io.consolecms.webhooks.delivery.AutoDisable}
 * moves to DRAFT a webhook failing for too long. The HTTP client is in the {@code http} sub-package. The
 * delivery log resources show deliveries and their attempts and deliver them again;
 * {@link io.consolecms.webhooks.delivery.DeliveryModule} wires it all.
 */
package io.consolecms.webhooks.delivery;
