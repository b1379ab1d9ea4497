package io.consolecms.webhooks.delivery;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Remembers what a pure function gave for each argument, for values worked out from a webhook's settings at every
 * delivery (a target's URI, queue and Host header, worked out once per target rather than once per delivery).
 * Bounded: once it holds {@code max} results it forgets them all and starts again. A {@code null} result, or a {@code null} argument, is
 * not remembered. Thread-safe; two threads may both work out a value not yet remembered.
 */
public final class Memo<K, V> {

    private final int max;
    private final Function<K, V> function;
    private final Map<K, V> known = new ConcurrentHashMap<>();

    public Memo(int max, Function<K, V> function) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive: " + max);
        }
        this.max = max;
        this.function = Objects.requireNonNull(function, "function");
    }

    /** What the function gives for {@code argument}; what it throws goes to the caller, and nothing is remembered. */
    public V get(K argument) {
        if (argument == null) {
            return function.apply(null);
        }
        V value = known.get(argument);
        if (value == null) {
            value = function.apply(argument);
            if (value != null) {
                if (known.size() >= max) {
                    known.clear();
                }
                known.put(argument, value);
            }
        }
        return value;
    }

    /** How many results it remembers now. */
    int size() {
        return known.size();
    }
}
