package io.consolecms.webhooks.delivery;

/** {@link BulkRedeliveryContract} on H2, the embedded database. */
class BulkRedeliveryTest extends BulkRedeliveryContract {

    @Override
    DeliveryDatabase database() {
        return new DeliveryDatabase();
    }
}
