package io.consolecms.webhooks.delivery;

/**
 * A webhook's rate limit as a token bucket over the times it is given (nanoseconds of a monotonic clock): it fills at
 * {@code rate} tokens per second. An idle webhook saves up a burst of a tenth of a second's worth (at least one), so
 * that in any second about 1.1 × rate deliveries start at most, and a webhook waiting for tokens is woken about ten
 * times a second. While deliveries wait, tokens are kept up to a quarter of a second's worth: a wake-up that comes
 * late (a busy machine) catches up instead of losing them, so the rate holds, and a burst stays small. Not
 * thread-safe.
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
        fill(now, burst());
        rate = newRate;
        tokens = Math.min(tokens, burst());
    }

    /** Takes a token if there is one at {@code now}, for a delivery of an idle webhook (nothing waits). */
    boolean tryTake(long now) {
        return take(now, burst());
    }

    /** Takes a token if there is one at {@code now}, for a delivery that waited for it. */
    boolean tryTakeWaiting(long now) {
        return take(now, owed());
    }

    /** The most tokens kept while deliveries wait: a quarter of a second's worth, at least a burst. */
    private int owed() {
        return Math.max(burst(), rate / 4);
    }

    private boolean take(long now, int cap) {
        fill(now, cap);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /**
     * Nanoseconds from {@code now} until the tokens for {@code count} waiting deliveries (at most a burst) are there; 0
     * if they are.
     */
    long nanosUntil(int count, long now) {
        fill(now, owed());
        double missing = Math.min(count, burst()) - tokens;
        return missing <= 0 ? 0 : (long) Math.ceil(missing * SECOND / rate);
    }

    private void fill(long now, int cap) {
        long elapsed = now - filledAt;
        if (elapsed > 0) {
            tokens = tokens + (double) elapsed * rate / SECOND;
            filledAt = now;
        }
        tokens = Math.min(cap, tokens);
    }
}
