package io.consolecms.webhooks.delivery;

/** {@link HealthQueryContract} on H2, the embedded database. */
class HealthQueryTest extends HealthQueryContract {

    @Override
    DeliveryDatabase database() {
        return new DeliveryDatabase();
    }
}
