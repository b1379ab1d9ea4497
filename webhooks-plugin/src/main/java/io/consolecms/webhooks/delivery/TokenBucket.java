package io.consolecms.webhooks.delivery;

/**
 * A webhook's rate limit as a token bucket over the times it is given (nanoseconds of a monotonic clock): it fills at
 * {@code rate} tokens per second up to a burst of a tenth of a second's worth (at least one), so that in any second at
 * most about 1.1 × rate deliveries start, and a webhook waiting for tokens is woken about ten times a second at most.
 * Not thread-safe.
 */
final class TokenBucket {

    private static final long SECOND = 1_000_000_000L;

    private int rate;
    private double tokens;
    private long filledAt;

    /** A full bucket of {@code rate} tokens per second at {@code now}. */
    TokenBucket(int rate, long now) {
        if (rate < 1) {
            throw new IllegalArgumentException("rate must be positive: " + rate);
        }
        this.rate = rate;
        this.tokens = burst();
        this.filledAt = now;
    }

    /** The most tokens it holds: a tenth of the rate, at least 1. */
    int burst() {
        return Math.max(1, rate / 10);
    }

    int rate() {
        return rate;
    }

    /** Changes the rate from {@code now} on (the webhook's {@code rateLimit} was edited). */
    void rate(int newRate, long now) {
        if (newRate < 1) {
            throw new IllegalArgumentException("rate must be positive: " + newRate);
        }
        fill(now);
        rate = newRate;
        tokens = Math.min(tokens, burst());
    }

    /** Takes a token if there is one at {@code now}. */
    boolean tryTake(long now) {
        fill(now);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** How long from {@code now} until {@code count} tokens (at most a burst) are there, in nanoseconds; 0 if they are. */
    long nanosUntil(int count, long now) {
        fill(now);
        double missing = Math.min(count, burst()) - tokens;
        return missing <= 0 ? 0 : (long) Math.ceil(missing * SECOND / rate);
    }

    private void fill(long now) {
        long elapsed = now - filledAt;
        if (elapsed > 0) {
            tokens = Math.min(burst(), tokens + (double) elapsed * rate / SECOND);
            filledAt = now;
        }
    }
}
