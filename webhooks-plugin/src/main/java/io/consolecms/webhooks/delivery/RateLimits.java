package io.consolecms.webhooks.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;

/**
 * Holds back the deliveries of webhooks with a {@code rateLimit} (deliveries per second): a delivery beyond its
 * webhook's rate waits here, in memory and in its place of the {@link TargetQueues}, until the webhook's
 * {@link TokenBucket} has a token for it; then it goes on to its target's queue. Waiting neither fails a delivery
 * nor spends its attempts. A webhook without a limit costs one null check. Thread-safe; no method blocks.
 */
final class RateLimits {

    private final ScheduledExecutorService timer;
    private final ToIntFunction<ClaimedDelivery> limit;
    private final BiConsumer<String, ClaimedDelivery> ready;
    private final LongSupplier nanos;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

    /**
     * @param timer wakes waiting webhooks when their tokens are there
     * @param limit a delivery's webhook's current {@code rateLimit}, or 0 for none
     * @param ready takes a delivery (with its target's queue) that may go on now; called on the timer's thread or
     *     the caller's
     * @param nanos a monotonic clock
     */
    RateLimits(ScheduledExecutorService timer, ToIntFunction<ClaimedDelivery> limit,
               BiConsumer<String, ClaimedDelivery> ready, LongSupplier nanos) {
        this.timer = timer;
        this.limit = limit;
        this.ready = ready;
        this.nanos = nanos;
    }

    /**
     * Lets a delivery go on now, or holds it until its webhook's rate allows it.
     *
     * @param key the delivery's target queue
     * @return whether it may go on now; when not, {@code ready} gets it later
     */
    boolean admit(String key, ClaimedDelivery delivery) {
        int rate = limit.applyAsInt(delivery);
        Lane lane = rate > 0 ? lanes.computeIfAbsent(delivery.webhookId(), id -> new Lane(rate, nanos.getAsLong()))
                : lanes.get(delivery.webhookId());
        if (lane == null) {
            return true;
        }
        synchronized (lane) {
            long now = nanos.getAsLong();
            if (rate > 0 && rate != lane.bucket.rate()) {
                lane.bucket.rate(rate, now);
            }
            if (lane.waiting.isEmpty() && (rate == 0 || lane.bucket.tryTake(now))) {
                return true;
            }
            lane.waiting.add(new Waiting(key, delivery));
            schedule(lane, now);
            return false;
        }
    }

    private void schedule(Lane lane, long now) {
        if (lane.scheduled) {
            return;
        }
        long delay = Math.max(lane.bucket.nanosUntil(lane.waiting.size(), now), 1_000_000L);
        try {
            timer.schedule(() -> release(lane), delay, TimeUnit.NANOSECONDS);
            lane.scheduled = true;
        } catch (RejectedExecutionException closing) {
            // stopping: what waits is given back by drain()
        }
    }

    private void release(Lane lane) {
        List<Waiting> go = new ArrayList<>();
        synchronized (lane) {
            lane.scheduled = false;
            long now = nanos.getAsLong();
            while (!lane.waiting.isEmpty()) {
                int rate = limit.applyAsInt(lane.waiting.peek().delivery());
                if (rate > 0 && rate != lane.bucket.rate()) {
                    lane.bucket.rate(rate, now);
                }
                if (rate > 0 && !lane.bucket.tryTakeWaiting(now)) {
                    break;
                }
                go.add(lane.waiting.poll());
            }
            if (!lane.waiting.isEmpty()) {
                schedule(lane, now);
            }
        }
        go.forEach(waiting -> ready.accept(waiting.key(), waiting.delivery()));
    }

    /** How many deliveries wait for their webhook's rate. */
    int waiting() {
        return lanes.values().stream().mapToInt(lane -> {
            synchronized (lane) {
                return lane.waiting.size();
            }
        }).sum();
    }

    /** Takes every waiting delivery out, e.g. to give the claims back at shutdown. */
    List<ClaimedDelivery> drain() {
        List<ClaimedDelivery> drained = new ArrayList<>();
        for (Lane lane : lanes.values()) {
            synchronized (lane) {
                lane.waiting.forEach(waiting -> drained.add(waiting.delivery()));
                lane.waiting.clear();
            }
        }
        return drained;
    }

    private record Waiting(String key, ClaimedDelivery delivery) {
    }

    /** One rate-limited webhook: its bucket and its deliveries waiting for tokens, oldest first. */
    private static final class Lane {
        private final TokenBucket bucket;
        private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
        private boolean scheduled;

        Lane(int rate, long now) {
            this.bucket = new TokenBucket(rate, now);
        }
    }
}
