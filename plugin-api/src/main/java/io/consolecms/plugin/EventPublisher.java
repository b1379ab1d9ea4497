package io.consolecms.plugin;

/**
 * Publishes Console events to every plugin's {@link EventListener}s: the same path whether Console core calls it
 * in-process or over {@code POST /api/events}. Thread-safe; may be called from any thread, concurrently.
 */
public interface EventPublisher {

    /** The largest event accepted, in bytes (1 MiB). */
    int MAX_EVENT_BYTES = 1024 * 1024;

    /**
     * Validates and publishes one event.
     *
     * @param json the event's UTF-8 JSON: an object with {@code eventName} (matching {@code ^[a-z][a-z0-9_]*$}),
     *     {@code eventTimestamp} (a number) and {@code payload} (an object)
     * @return the event's id and how many deliveries the listeners stored, once they are durably stored
     * @throws InvalidEventException when the JSON is not a valid event or is larger than {@link #MAX_EVENT_BYTES};
     *     nothing was stored
     * @throws EventNotAcceptedException when a listener could not store the event; publish it again later
     */
    PublishResult publish(byte[] json) throws InvalidEventException, EventNotAcceptedException;

    /**
     * What a publication stored.
     *
     * @param eventId the id given to the event
     * @param deliveries how many deliveries (units of work) the listeners stored for it
     */
    record PublishResult(String eventId, int deliveries) {
    }

    /** The event is malformed; the message says what is wrong, naming the member. */
    final class InvalidEventException extends Exception {
        private final boolean tooLarge;

        public InvalidEventException(String message) {
            this(message, false);
        }

        public InvalidEventException(String message, boolean tooLarge) {
            super(message);
            this.tooLarge = tooLarge;
        }

        /** Whether the event was rejected for its size alone. */
        public boolean tooLarge() {
            return tooLarge;
        }
    }

    /** A listener could not durably store the event (e.g. the database is unavailable). */
    final class EventNotAcceptedException extends Exception {
        public EventNotAcceptedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
