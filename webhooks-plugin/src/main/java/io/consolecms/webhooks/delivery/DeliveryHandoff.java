package io.consolecms.webhooks.delivery;

import java.time.Duration;

/**
 * Where {@link EventIngest} hands new deliveries once their commit is done, so that they are attempted from memory
 * without being read back from the database: the {@link Dispatcher}. A place is taken before the commit (the delivery is
 * then stored leased to {@link #owner()}) and filled after it; without a place the delivery is stored unleased and
 * waits in the database. All methods are called from the database writer's thread ({@link GroupCommit}) and must
 * not block.
 */
interface DeliveryHandoff {

    /** The lease owner to store on deliveries that get a place. */
    String owner();

    /** How long their lease lasts unless renewed. */
    Duration lease();

    /**
     * Takes a place for a delivery to {@code target} of an event body {@code bodyBytes} long; {@code null} when there
     * is no room.
     */
    String reserve(String target, int bodyBytes);

    /** Gives back a place taken for {@code bodyBytes} whose delivery was not committed. */
    void unreserve(String place, int bodyBytes);

    /** Fills a place with its committed delivery. */
    void admit(String place, ClaimedDelivery delivery);

    /**
     * Says that committed deliveries got no place and wait in the database, due from {@code dueAt} (epoch ms).
     */
    void spilled(long dueAt);
}
