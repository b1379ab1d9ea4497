package io.consolecms.webhooks.delivery;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The deliveries a host holds in memory, one queue per target (scheme, host and port). Each target runs at most
 * {@code concurrency} attempts at once and holds at most {@code perTarget} deliveries (queued, in flight, or waiting
 * for their outcome to be recorded); the host holds at most {@code capacity} in all. So a dead or slow target ties up
 * its own share and no more, and what does not fit waits in the database. Thread-safe; no method blocks.
 *
 * <p>A delivery's life here: {@link #reserve} a place, then {@link #admit} it (or {@link #unreserve} the place), then
 * {@link #finished} when its attempt is over, then {@link #release} once its outcome is stored.
 */
final class TargetQueues {

    private final int concurrency;
    private final int perTarget;
    private final int capacity;
    private final Map<String, Queue> queues = new HashMap<>();
    private int held;

    TargetQueues(int concurrency, int perTarget, int capacity) {
        if (concurrency < 1 || perTarget < 1 || capacity < perTarget) {
            throw new IllegalArgumentException("need concurrency >= 1 and 1 <= perTarget <= capacity");
        }
        this.concurrency = Math.min(concurrency, perTarget);
        this.perTarget = perTarget;
        this.capacity = capacity;
    }

    /** The queue of a target: its scheme, host and port, the default port spelled out; {@code null} if not a URL. */
    static String key(String target) {
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

    /** Takes a place for one delivery of {@code key}, if the target and the host have room. */
    synchronized boolean reserve(String key) {
        Queue queue = queues.computeIfAbsent(key, k -> new Queue());
        if (held >= capacity || queue.held >= perTarget) {
            dropIfIdle(key, queue);
            return false;
        }
        queue.held++;
        held++;
        return true;
    }

    /** Gives back a place that {@link #reserve} took and that no delivery will use. */
    synchronized void unreserve(String key) {
        release(key);
    }

    /**
     * Puts a delivery in its reserved place.
     *
     * @return whether its attempt may start now (else it waits for {@link #finished} of an attempt of its target)
     */
    synchronized boolean admit(String key, ClaimedDelivery delivery) {
        Queue queue = queues.get(key);
        if (queue.running < concurrency) {
            queue.running++;
            return true;
        }
        queue.waiting.add(delivery);
        return false;
    }

    /**
     * Marks an attempt of the target over (its delivery keeps its place until {@link #release}).
     *
     * @param startNext whether the target's next waiting delivery may start in its place
     * @return the delivery to start now, or {@code null}
     */
    synchronized ClaimedDelivery finished(String key, boolean startNext) {
        Queue queue = queues.get(key);
        ClaimedDelivery next = startNext ? queue.waiting.poll() : null;
        if (next == null) {
            queue.running--;
        }
        return next;
    }

    /** Frees the place of a delivery whose outcome is stored (or that was given back). */
    synchronized void release(String key) {
        Queue queue = queues.get(key);
        queue.held--;
        held--;
        dropIfIdle(key, queue);
    }

    private void dropIfIdle(String key, Queue queue) {
        if (queue.held == 0 && queue.running == 0 && queue.waiting.isEmpty()) {
            queues.remove(key);
        }
    }

    /** How many more deliveries the host may hold now. */
    synchronized int room() {
        return capacity - held;
    }

    /** How many deliveries the host holds now. */
    synchronized int held() {
        return held;
    }

    /** The targets that hold all they may: their further deliveries are left in the database for now. */
    synchronized Set<String> fullTargets() {
        return queues.entrySet().stream().filter(entry -> entry.getValue().held >= perTarget)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    /** Takes every waiting (not started) delivery out of its queue, e.g. to give the claims back at shutdown. */
    synchronized List<ClaimedDelivery> drainWaiting() {
        List<ClaimedDelivery> drained = new ArrayList<>();
        for (Queue queue : queues.values()) {
            drained.addAll(queue.waiting);
            queue.waiting.clear();
        }
        return drained;
    }

    private static final class Queue {
        private final ArrayDeque<ClaimedDelivery> waiting = new ArrayDeque<>();
        private int running;
        private int held;
    }
}
