package io.consolecms.webhooks.delivery;

/**
 * Makes delivery attempts over HTTP. Thread-safe: the dispatcher calls {@link #send} from many threads at once.
 */
public interface DeliverySender extends AutoCloseable {

    /**
     * POSTs the request's body to its target with the delivery headers ({@code Content-Type: application/json},
     * {@code X-Mia-Signature} and {@code webhook-signature} when there is a secret, {@code webhook-id},
     * {@code webhook-timestamp}, {@code User-Agent}), blocking until the answer or the whole-request timeout. Never throws for anything the
     * network or the receiver does: every outcome is an {@link AttemptResult}.
     */
    AttemptResult send(DeliveryRequest request);

    @Override
    void close();
}
