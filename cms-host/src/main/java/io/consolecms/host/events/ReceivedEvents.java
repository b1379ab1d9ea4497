package io.consolecms.host.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code console_events_received_total{event_name}}: valid events received, over HTTP or in-process, by name. A
 * publisher may send any name that matches the event name pattern, so the label's values are bounded: the first
 * {@link #MAX_NAMES} names seen get a series each, and every later name counts under {@link #OTHER}, which no event
 * name can be (it does not start with a letter).
 */
final class ReceivedEvents {

    static final String NAME = "console.events.received";
    static final int MAX_NAMES = 100;
    static final String OTHER = "_other";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter other;

    ReceivedEvents(MeterRegistry registry) {
        this.registry = registry;
        this.other = counter(OTHER);
    }

    /** Counts one event; a map lookup and an adder's increment once the name has its series. Any thread. */
    void received(String eventName) {
        Counter counter = counters.get(eventName);
        (counter != null ? counter : register(eventName)).increment();
    }

    private synchronized Counter register(String eventName) {
        Counter counter = counters.get(eventName);
        if (counter != null) {
            return counter;
        }
        if (counters.size() >= MAX_NAMES) {
            return other;
        }
        counter = counter(eventName);
        counters.put(eventName, counter);
        return counter;
    }

    private Counter counter(String eventName) {
        return Counter.builder(NAME).description("Valid Console events received, over HTTP or in-process")
                .tag("event_name", eventName).register(registry);
    }
}
