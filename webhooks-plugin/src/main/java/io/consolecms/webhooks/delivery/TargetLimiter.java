package io.consolecms.webhooks.delivery;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caps the attempts in flight to one target (scheme, host and port), so that one slow receiver never holds every
 * delivery worker. Thread-safe; every successful {@link #tryAcquire} must be paired with one {@link #release}.
 */
public final class TargetLimiter {

    private final int maxPerTarget;
    private final Map<String, Integer> inFlight = new ConcurrentHashMap<>();

    /** @param maxPerTarget attempts allowed at once per target, at least 1 */
    public TargetLimiter(int maxPerTarget) {
        if (maxPerTarget < 1) {
            throw new IllegalArgumentException("maxPerTarget must be at least 1: " + maxPerTarget);
        }
        this.maxPerTarget = maxPerTarget;
    }

    /** Takes a slot for {@code target}; {@code false} when its cap is reached (try another delivery, or later). */
    public boolean tryAcquire(URI target) {
        boolean[] acquired = new boolean[1];
        inFlight.compute(key(target), (key, count) -> {
            int current = count == null ? 0 : count;
            acquired[0] = current < maxPerTarget;
            return acquired[0] ? current + 1 : current;
        });
        return acquired[0];
    }

    /** Gives back a slot taken by {@link #tryAcquire}. */
    public void release(URI target) {
        // dropping the entry at zero keeps the map as small as the targets in flight
        inFlight.computeIfPresent(key(target), (key, count) -> count <= 1 ? null : count - 1);
    }

    /** Attempts in flight to {@code target} now. */
    public int inFlight(URI target) {
        return inFlight.getOrDefault(key(target), 0);
    }

    static String key(URI target) {
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
        String host = target.getHost() == null ? String.valueOf(target.getAuthority()) : target.getHost();
        int port = target.getPort() >= 0 ? target.getPort() : "https".equals(scheme) ? 443 : 80;
        return scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port;
    }
}
