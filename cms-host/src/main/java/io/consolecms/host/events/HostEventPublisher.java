package io.consolecms.host.events;

import io.consolecms.plugin.ConsoleEvent;
import io.consolecms.plugin.EventListener;
import io.consolecms.plugin.EventPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's {@link EventPublisher}: validates an event, gives it an id, and hands it to every listener on the
 * caller's thread, answering only once each returned. {@code POST /api/events} and in-process callers use the same
 * {@link #accept} path.
 */
public final class HostEventPublisher implements EventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(HostEventPublisher.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] PROCESS = new byte[5];
    private static final AtomicInteger COUNTER = new AtomicInteger(RANDOM.nextInt(1 << 24));

    static {
        RANDOM.nextBytes(PROCESS);
    }

    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final ReceivedEvents received;

    /** A publisher that counts the valid events it receives in {@code registry}, by name. */
    public HostEventPublisher(MeterRegistry registry) {
        this.received = new ReceivedEvents(registry);
    }

    /** What became of a publication; exactly one of the three kinds. */
    public sealed interface Outcome permits Accepted, Rejected, NotAccepted {
    }

    /** Every listener stored the event. */
    public record Accepted(PublishResult result) implements Outcome {
    }

    /** The event is malformed ({@code tooLarge} alone: over {@link #MAX_EVENT_BYTES}); nothing was stored. */
    public record Rejected(String field, String message, boolean tooLarge) implements Outcome {
    }

    /** A listener could not store the event; publish it again. */
    public record NotAccepted(String eventId, Exception cause) implements Outcome {
    }

    private record Subscriber(String owner, EventListener listener) {
    }

    /** Adds a listener, named after its owner (a plugin id) in logs. */
    public void addListener(String owner, EventListener listener) {
        subscribers.add(new Subscriber(owner, Objects.requireNonNull(listener, "listener")));
    }

    @Override
    public PublishResult publish(byte[] json) throws InvalidEventException, EventNotAcceptedException {
        Outcome outcome = accept(json);
        if (outcome instanceof Accepted accepted) {
            return accepted.result();
        }
        if (outcome instanceof Rejected rejected) {
            throw new InvalidEventException(rejected.field() + ": " + rejected.message(), rejected.tooLarge());
        }
        NotAccepted failed = (NotAccepted) outcome;
        throw new EventNotAcceptedException("storage unavailable, publish again", failed.cause());
    }

    /** Validates and publishes one event; never throws for a bad event or a failing listener. */
    public Outcome accept(byte[] json) {
        Objects.requireNonNull(json, "json");
        if (json.length > MAX_EVENT_BYTES) {
            return new Rejected("body", "the event is larger than " + MAX_EVENT_BYTES + " bytes", true);
        }
        String eventId = newId();
        EventEnvelope.Parsed parsed = EventEnvelope.parse(eventId, json.clone());
        if (parsed.event() == null) {
            return new Rejected(parsed.field(), parsed.message(), false);
        }
        received.received(parsed.event().name());
        return dispatch(parsed.event());
    }

    private Outcome dispatch(ConsoleEvent event) {
        long deliveries = 0;
        for (Subscriber subscriber : subscribers) {
            try {
                deliveries += Math.max(0, subscriber.listener().onEvent(event));
            } catch (Exception e) {
                LOG.error("event {} ({}) not accepted: a listener of plugin {} failed", event.id(), event.name(),
                        subscriber.owner(), e);
                return new NotAccepted(event.id(), e);
            }
        }
        LOG.debug("event {} ({}) accepted with {} deliveries", event.id(), event.name(), deliveries);
        return new Accepted(new PublishResult(event.id(), (int) Math.min(Integer.MAX_VALUE, deliveries)));
    }

    /**
     * 24 hex characters that increase within this process: seconds, 5 bytes random per process, a counter. A plugin
     * that stores events by id appends them to its index instead of writing to random pages of it.
     */
    private static String newId() {
        ByteBuffer bytes = ByteBuffer.allocate(12);
        bytes.putInt((int) (System.currentTimeMillis() / 1000));
        bytes.put(PROCESS);
        int count = COUNTER.getAndIncrement();
        bytes.put((byte) (count >>> 16)).put((byte) (count >>> 8)).put((byte) count);
        return HexFormat.of().formatHex(bytes.array());
    }
}
