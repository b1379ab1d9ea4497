package io.consolecms.webhooks.delivery;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One lane per target (scheme, host and port): at most {@code perTarget} attempts run in a lane at once and at most
 * as many more wait their turn, so that a slow or dead receiver ties up a bounded share of the workers and of the
 * claimed deliveries. Thread-safe.
 */
final class TargetLanes {

    /** What became of a delivery offered to its lane. */
    enum Admission {
        /** Start it now. */
        RUN,
        /** It waits in its lane and starts when an attempt of that lane finishes. */
        QUEUED,
        /** The lane is full: give the claim back. */
        FULL
    }

    private final int perTarget;
    private final Map<String, Lane> lanes = new HashMap<>();
    private int running;

    TargetLanes(int perTarget) {
        this.perTarget = perTarget;
    }

    /** The lane of a target: its scheme, host and port, the default port spelled out. */
    static String key(URI target) {
        String scheme = target.getScheme().toLowerCase(Locale.ROOT);
        int port = target.getPort() != -1 ? target.getPort() : "https".equals(scheme) ? 443 : 80;
        return scheme + "://" + target.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    synchronized Admission offer(String key, ClaimedDelivery delivery) {
        Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
        if (lane.active < perTarget) {
            lane.active++;
            running++;
            lane.add(delivery.webhookId());
            return Admission.RUN;
        }
        if (lane.waiting.size() < perTarget) {
            lane.waiting.add(delivery);
            lane.add(delivery.webhookId());
            return Admission.QUEUED;
        }
        lane.overflow.add(delivery.webhookId());
        return Admission.FULL;
    }

    /**
     * Marks an attempt of the lane done.
     *
     * @param startNext whether the lane's next waiting delivery may start in its place
     * @return the delivery to start now in the same slot, or {@code null}
     */
    synchronized ClaimedDelivery finished(String key, ClaimedDelivery done, boolean startNext) {
        Lane lane = lanes.get(key);
        lane.remove(done.webhookId());
        ClaimedDelivery next = startNext ? lane.waiting.poll() : null;
        if (next == null) {
            lane.active--;
            running--;
            if (lane.active == 0 && lane.waiting.isEmpty()) {
                lanes.remove(key);
            }
        }
        return next;
    }

    /** How many attempts run now, in all lanes. */
    synchronized int running() {
        return running;
    }

    /** Whether some lane is full, so that its webhooks' deliveries are left unclaimed for now. */
    synchronized boolean anyFull() {
        return lanes.values().stream().anyMatch(lane -> lane.waiting.size() >= perTarget);
    }

    /** The webhooks with a delivery in a full lane: not worth claiming more of now. */
    synchronized Set<String> busyWebhooks() {
        Set<String> busy = new HashSet<>();
        for (Lane lane : lanes.values()) {
            if (lane.waiting.size() >= perTarget) {
                busy.addAll(lane.webhooks.keySet());
                busy.addAll(lane.overflow);
            } else {
                lane.overflow.clear();
            }
        }
        return busy;
    }

    /** Takes every waiting delivery out of its lane, e.g. to give the claims back at shutdown. */
    synchronized List<ClaimedDelivery> drainWaiting() {
        List<ClaimedDelivery> drained = new ArrayList<>();
        lanes.values().removeIf(lane -> {
            for (ClaimedDelivery delivery : lane.waiting) {
                lane.remove(delivery.webhookId());
                drained.add(delivery);
            }
            lane.waiting.clear();
            return lane.active == 0;
        });
        return drained;
    }

    private static final class Lane {
        private final ArrayDeque<ClaimedDelivery> waiting = new ArrayDeque<>();
        private final Map<String, Integer> webhooks = new HashMap<>();
        /** Webhooks whose claims were given back because the lane was full: skipped until it has room. */
        private final Set<String> overflow = new HashSet<>();
        private int active;

        void add(String webhookId) {
            webhooks.merge(webhookId, 1, Integer::sum);
        }

        void remove(String webhookId) {
            webhooks.computeIfPresent(webhookId, (id, count) -> count == 1 ? null : count - 1);
        }
    }
}
