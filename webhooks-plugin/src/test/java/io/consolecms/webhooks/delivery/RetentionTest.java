package io.consolecms.webhooks.delivery;

/** The retention on H2, the embedded database. */
class RetentionTest extends RetentionContract {

    @Override
    DeliveryDatabase freshDatabase() {
        return new DeliveryDatabase();
    }
}
