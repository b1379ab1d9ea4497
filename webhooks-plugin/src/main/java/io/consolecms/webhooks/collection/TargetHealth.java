package io.consolecms.webhooks.collection;

/**
 * The health of a webhook's target as the delivery engine sees it in this host: what its document shows as
 * {@code targetHealth}. Called once per document answered, on the request's thread; must not block.
 */
@FunctionalInterface
public interface TargetHealth {

    /** Every target healthy: for a collection without a delivery engine. */
    TargetHealth ALWAYS_HEALTHY = target -> "healthy";

    /**
     * @param target the webhook's target URL
     * @return {@code healthy}, {@code open} (attempts paused) or {@code probing} (one attempt deciding)
     */
    String of(String target);
}
