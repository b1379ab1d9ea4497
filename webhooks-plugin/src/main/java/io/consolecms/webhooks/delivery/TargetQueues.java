package io.consolecms.webhooks.delivery;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * The deliveries a host holds in memory, one queue per target (scheme, host and port). Each target runs at most
 * {@code concurrency} attempts at once and holds its share of {@code perTarget} deliveries, queued or in flight (an
 * attempt that is over leaves its target's place at once, so that a draining target's next deliveries do not wait for
 * the commit of the last ones' outcomes); the host holds at most {@code capacity} in all, counting those whose outcome
 * waits to be stored. Their event bodies are bounded the same way, in bytes: the host holds at most {@code bodyBytes}
 * of them and a target the same share of that (a tenth by default), so that a burst of large events cannot fill the
 * heap; a delivery is always let in when the host or its target holds nothing else, whatever its size. A target may
 * go beyond its share while the host holds less than half its capacity (of either): a backlog drained to one target
 * then keeps enough queued to cover the time its next claim takes, and whatever targets borrowed, they leave half the
 * host to the others' shares. So a dead or slow target ties up its share (or what it borrowed while half the host was
 * free) and no more, and what does not fit waits in the database. Thread-safe; no method blocks.
 *
 * <p>Each target has a {@link CircuitBreaker}: while it is open, the target's deliveries wait here with their attempts
 * unspent (and, once the target holds all it may, the rest wait in the database, unclaimed); once its cool-down is over
 * one of them is the probe. {@link #resume} starts the probe of a target whose cool-down ended while no attempt ran.
 *
 * <p>A delivery's life here: {@link #reserve} a place, then {@link #admit} it (or {@link #unreserve} the place), then
 * {@link #finished} when its attempt is over (which frees its target's place), then {@link #release} once its outcome
 * is stored (which frees the host's). One taken off its queue unattempted ({@link #removeWaiting}) leaves its target's
 * place then, and the host's at its {@link #release}.
 */
final class TargetQueues {

    /** Told, under the queues' lock (so it must not block), when a target's breaker opens and until when. */
    @FunctionalInterface
    interface BreakerOpened {
        void opened(String key, long until);
    }

    private final int concurrency;
    private final int perTarget;
    private final int capacity;
    private final long bodyBytes;
    private final long bodyBytesPerTarget;
    private final Map<String, Queue> queues = new HashMap<>();
    private int held;
    private long heldBytes;
    private final Supplier<CircuitBreaker> newBreaker;
    private final LongSupplier clock;
    private final BreakerOpened onOpened;
    /** The breakers of targets that failed lately; a breaker closed with no failure counted is forgotten. */
    private final Map<String, CircuitBreaker> breakers = new HashMap<>();
    /** The targets whose breaker is not closed, with the end of their cool-down: read without the lock. */
    private final Map<String, Long> unhealthy = new ConcurrentHashMap<>();

    /**
     * @param bodyBytes the most bytes of event bodies the host holds; a target holds the same share of it as of
     *     {@code capacity}
     * @param newBreaker makes the breaker of a target that fails
     * @param clock epoch millis
     * @param onOpened told when a breaker opens, to {@link #resume} its target once the cool-down is over
     */
    TargetQueues(int concurrency, int perTarget, int capacity, long bodyBytes, Supplier<CircuitBreaker> newBreaker,
                 LongSupplier clock, BreakerOpened onOpened) {
        if (concurrency < 1 || perTarget < 1 || capacity < perTarget || bodyBytes < 1) {
            throw new IllegalArgumentException("need concurrency >= 1, 1 <= perTarget <= capacity and bodyBytes >= 1");
        }
        this.concurrency = Math.min(concurrency, perTarget);
        this.perTarget = perTarget;
        this.capacity = capacity;
        this.bodyBytes = bodyBytes;
        this.bodyBytesPerTarget = Math.max(1, bodyBytes / capacity * perTarget);
        this.newBreaker = newBreaker;
        this.clock = clock;
        this.onOpened = onOpened;
    }

    /** How many targets' keys are remembered; far more than a host has targets in use at once. */
    private static final int MAX_KEYS = 10_000;
    /**
     * Each target's key, worked out once: a claim and each attempt ask for it, and parsing the target at every delivery
     * was a quarter of the claiming thread's work in a drain. The same key instance also keeps its hash.
     */
    private static final Memo<String, String> KEYS = new Memo<>(MAX_KEYS, TargetQueues::parseKey);

    /** The queue of a target: its scheme, host and port, the default port spelled out; {@code null} if not a URL. */
    static String key(String target) {
        return KEYS.get(target);
    }

    private static String parseKey(String target) {
        try {
            URI uri = new URI(target);
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || scheme == null) {
                return null;
            }
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (Exception invalid) {
            return null;
        }
    }

    /**
     * Takes a place for one delivery of {@code key} whose event body is {@code bytes} long, if the target and the host
     * have room.
     */
    synchronized boolean reserve(String key, int bytes) {
        Queue queue = queues.computeIfAbsent(key, k -> new Queue());
        boolean hostFull = held >= capacity || held > 0 && heldBytes + bytes > bodyBytes;
        boolean bytesFull = queue.held > 0 && queue.bytes + bytes > bodyBytesPerTarget;
        if (hostFull || (queue.held >= perTarget || bytesFull) && !borrowing()) {
            // full by its bytes until one of its deliveries leaves: claims pass over its backlog meanwhile
            queue.bytesFull |= bytesFull;
            dropIfIdle(key, queue);
            return false;
        }
        queue.held++;
        queue.bytes += bytes;
        held++;
        heldBytes += bytes;
        return true;
    }

    /** Gives back a place that {@link #reserve} took for {@code bytes} and that no delivery will use. */
    synchronized void unreserve(String key, int bytes) {
        Queue queue = queues.get(key);
        queue.held--;
        queue.bytes -= bytes;
        queue.bytesFull = false;
        held--;
        heldBytes -= bytes;
        dropIfIdle(key, queue);
    }

    /**
     * Puts a delivery in its reserved place.
     *
     * @return whether its attempt may start now (else it waits for {@link #finished} of an attempt of its target)
     */
    synchronized boolean admit(String key, ClaimedDelivery delivery) {
        Queue queue = queues.get(key);
        if (queue.running < concurrency && queue.waiting.isEmpty() && mayStart(key, queue, delivery)) {
            return true;
        }
        queue.waiting.add(delivery);
        return false;
    }

    /** Asks the target's breaker; when it allows, counts the attempt as running (and as the probe if it is one). */
    private boolean mayStart(String key, Queue queue, ClaimedDelivery delivery) {
        CircuitBreaker breaker = breakers.get(key);
        CircuitBreaker.Permit permit = breaker == null ? CircuitBreaker.Permit.ATTEMPT
                : breaker.permit(clock.getAsLong());
        if (permit == CircuitBreaker.Permit.WAIT) {
            return false;
        }
        if (permit == CircuitBreaker.Permit.PROBE) {
            queue.probe = delivery.id();
        }
        queue.running++;
        return true;
    }

    /**
     * Marks an attempt of the target over, freeing its place in the target's queue (its delivery keeps its place in
     * the host until {@link #release}), and tells the target's breaker how it went.
     *
     * @param delivery the delivery whose attempt is over
     * @param succeeded whether the receiver answered 2xx; {@code null} when no attempt was made after all
     * @param startNext whether the target's waiting deliveries may start in its place
     * @return the deliveries to start now, often none or one; more when this outcome closed the breaker
     */
    synchronized List<ClaimedDelivery> finished(String key, ClaimedDelivery delivery, Boolean succeeded,
                                                boolean startNext) {
        Queue queue = queues.get(key);
        queue.running--;
        queue.held--;
        queue.bytes -= bytes(delivery);
        queue.bytesFull = false;
        CircuitBreaker breaker = breakers.get(key);
        if (breaker != null || Boolean.FALSE.equals(succeeded)) {
            if (breaker == null) {
                breaker = newBreaker.get();
                breakers.put(key, breaker);
            }
            judge(key, queue, breaker, delivery, succeeded);
        }
        List<ClaimedDelivery> start = startNext ? startable(key, queue) : List.of();
        dropIfIdle(key, queue);
        return start;
    }

    private void judge(String key, Queue queue, CircuitBreaker breaker, ClaimedDelivery delivery, Boolean succeeded) {
        long now = clock.getAsLong();
        boolean opened;
        if (delivery.id().equals(queue.probe)) {
            queue.probe = null;
            if (succeeded == null) {
                breaker.probeNotMade();
                opened = false;
            } else {
                breaker.probed(succeeded, now);
                opened = !breaker.closed();
            }
        } else {
            opened = succeeded != null && breaker.attempted(succeeded, now);
        }
        if (breaker.closed()) {
            unhealthy.remove(key);
            if (breaker.idle()) {
                breakers.remove(key);
            }
        } else {
            unhealthy.put(key, breaker.openUntil());
            if (opened) {
                onOpened.opened(key, breaker.openUntil());
            }
        }
    }

    /** Takes off the target's queue what may start now, counting it as running. */
    private List<ClaimedDelivery> startable(String key, Queue queue) {
        List<ClaimedDelivery> start = List.of();
        while (queue.running < concurrency && !queue.waiting.isEmpty() && mayStart(key, queue, queue.waiting.peek())) {
            if (start.isEmpty()) {
                start = new ArrayList<>(2);
            }
            start.add(queue.waiting.poll());
        }
        return start;
    }

    /** What of a target may start now that its breaker's cool-down is over (its probe), if anything waits. */
    synchronized List<ClaimedDelivery> resume(String key) {
        Queue queue = queues.get(key);
        return queue == null ? List.of() : startable(key, queue);
    }

    /** The targets whose breaker is open or probing. */
    Set<String> pausedTargets() {
        return unhealthy.keySet();
    }

    /** Takes the waiting deliveries of a target that {@code stale} says must not wait there any longer. */
    synchronized List<ClaimedDelivery> removeWaiting(String key, Predicate<ClaimedDelivery> stale) {
        Queue queue = queues.get(key);
        if (queue == null) {
            return List.of();
        }
        List<ClaimedDelivery> removed = new ArrayList<>();
        for (Iterator<ClaimedDelivery> waiting = queue.waiting.iterator(); waiting.hasNext(); ) {
            ClaimedDelivery delivery = waiting.next();
            if (stale.test(delivery)) {
                waiting.remove();
                removed.add(delivery);
            }
        }
        queue.held -= removed.size(); // the host's places are freed at their release
        removed.forEach(delivery -> queue.bytes -= bytes(delivery));
        queue.bytesFull &= removed.isEmpty();
        dropIfIdle(key, queue);
        return removed;
    }

    /**
     * The health of a target's breaker as a webhook document shows it; lock-free.
     *
     * @param target a webhook's target URL
     */
    CircuitBreaker.Health health(String target) {
        String key = key(target);
        Long openUntil = key == null ? null : unhealthy.get(key);
        if (openUntil == null) {
            return CircuitBreaker.Health.HEALTHY;
        }
        return clock.getAsLong() < openUntil ? CircuitBreaker.Health.OPEN : CircuitBreaker.Health.PROBING;
    }

    /** How many targets have their breaker open or probing now; lock-free. */
    int openTargets() {
        return unhealthy.size();
    }

    /**
     * Frees the host's place of a delivery whose outcome is stored (or that was given back), once its target's is free:
     * its attempt is {@link #finished}, or it was {@link #removeWaiting removed} from its queue.
     */
    synchronized void release(ClaimedDelivery delivery) {
        held--;
        heldBytes -= bytes(delivery);
    }

    /** What a delivery counts for against {@code bodyBytes}: its event body. */
    static int bytes(ClaimedDelivery delivery) {
        return delivery.body() == null ? 0 : delivery.body().length;
    }

    private void dropIfIdle(String key, Queue queue) {
        if (queue.held == 0 && queue.running == 0 && queue.waiting.isEmpty()) {
            queues.remove(key);
        }
    }

    /** How many more deliveries the host may hold now: none while it holds all the body bytes it may. */
    synchronized int room() {
        return bytesFull() ? 0 : capacity - held;
    }

    /** How many more deliveries the host may hold now for these targets together (see {@link #room()}). */
    synchronized int room(Collection<String> keys) {
        return bytesFull() ? 0 : (int) shareRoom(keys, perTarget, queue -> queue.held, capacity, held);
    }

    /** How many more bytes of event bodies the host may hold now: what a scan's claim may read. */
    synchronized long bytesRoom() {
        return Math.max(0, bodyBytes - heldBytes);
    }

    /**
     * How many more bytes of event bodies the host may hold now for these targets together, by the rules of {@link
     * #room(Collection)}: what a claim for them may read.
     */
    synchronized long bytesRoom(Collection<String> keys) {
        return shareRoom(keys, bodyBytesPerTarget, queue -> queue.bytes, bodyBytes, heldBytes);
    }

    /**
     * What these targets may still take of one bound (places or body bytes): what is left of each one's share, or
     * while targets may borrow, up to half the host's; never more than the host has left.
     *
     * @param share a target's share of the bound
     * @param used what a target's queue holds of it
     * @param total the host's bound
     * @param hostHeld what the host holds of it
     */
    private long shareRoom(Collection<String> keys, long share, ToLongFunction<Queue> used, long total,
                           long hostHeld) {
        long room = 0;
        for (String key : keys) {
            Queue queue = queues.get(key);
            room += queue == null ? share : Math.max(0, share - used.applyAsLong(queue));
        }
        if (!keys.isEmpty() && borrowing()) {
            room = Math.max(room, total / 2 - hostHeld);
        }
        return Math.max(0, Math.min(room, total - hostHeld));
    }

    private boolean bytesFull() {
        return held > 0 && heldBytes >= bodyBytes;
    }

    /**
     * Whether a target may take a place beyond its share: while the host holds less than half its capacity, and less
     * than half the body bytes it may hold.
     */
    private boolean borrowing() {
        return held < capacity / 2 && heldBytes < bodyBytes / 2;
    }

    /** How many deliveries the host holds now. */
    synchronized int held() {
        return held;
    }

    /** How many bytes of event bodies the host holds now. */
    synchronized long heldBytes() {
        return heldBytes;
    }

    /** The targets that hold all they may: their further deliveries are left in the database for now. */
    synchronized Set<String> fullTargets() {
        if (borrowing()) {
            return new HashSet<>();
        }
        return queues.entrySet().stream().filter(entry -> entry.getValue().held >= perTarget
                        || entry.getValue().bytesFull)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /** Takes every waiting (not started) delivery out of its queue, e.g. to give the claims back at shutdown. */
    synchronized List<ClaimedDelivery> drainWaiting() {
        List<ClaimedDelivery> drained = new ArrayList<>();
        for (Queue queue : queues.values()) {
            drained.addAll(queue.waiting);
            queue.held -= queue.waiting.size();
            held -= queue.waiting.size();
            for (ClaimedDelivery delivery : queue.waiting) {
                queue.bytes -= bytes(delivery);
                heldBytes -= bytes(delivery);
            }
            queue.bytesFull = false;
            queue.waiting.clear();
        }
        return drained;
    }

    private static final class Queue {
        private final ArrayDeque<ClaimedDelivery> waiting = new ArrayDeque<>();
        private int running;
        private int held;
        /** The event bytes of the deliveries counted in {@code held}. */
        private long bytes;
        /** Whether a delivery was refused for the target's share of bytes since one of its deliveries last left. */
        private boolean bytesFull;
        /** The id of the delivery whose attempt is the target's probe, or {@code null}. */
        private String probe;
    }
}
