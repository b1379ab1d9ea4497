package io.consolecms.webhooks.delivery;

import java.util.Locale;
import java.util.Optional;

/** Where a delivery stands: {@code pending} (an attempt is due or will be), {@code succeeded} or {@code failed}. */
enum DeliveryStatus {
    PENDING, SUCCEEDED, FAILED;

    /** The value stored and shown. */
    String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<DeliveryStatus> parse(String text) {
        for (DeliveryStatus status : values()) {
            if (status.value().equals(text)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }
}
