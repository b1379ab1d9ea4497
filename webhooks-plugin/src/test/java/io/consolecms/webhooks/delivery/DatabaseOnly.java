package io.consolecms.webhooks.delivery;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A handoff with no room: every delivery is stored unleased and waits in the database, as it does when the dispatcher's
 * memory is full. For tests of storage alone; counts what it was told.
 */
final class DatabaseOnly implements DeliveryHandoff {

    final AtomicInteger spills = new AtomicInteger();

    @Override
    public String owner() {
        return "nobody";
    }

    @Override
    public Duration lease() {
        return Duration.ofMinutes(1);
    }

    @Override
    public String reserve(String target, int bodyBytes) {
        return null;
    }

    @Override
    public void unreserve(String place, int bodyBytes) {
        throw new AssertionError("no place was taken");
    }

    @Override
    public void admit(String place, ClaimedDelivery delivery) {
        throw new AssertionError("no place was taken");
    }

    @Override
    public void spilled(long dueAt) {
        spills.incrementAndGet();
    }
}
