package io.consolecms.plugin;

/**
 * Receives the Console events published to the host.
 *
 * <p>Called once per published event and listener, on the thread that publishes it (an HTTP request thread for
 * {@code POST /api/events}, or the caller's thread for {@link EventPublisher#publish}), concurrently for concurrent
 * events, only after the envelope was validated. The publisher waits for every listener: a listener must make durable
 * what it needs (e.g. commit the event and its pending work to the database) before it returns, and must not do slow
 * work such as network calls on this thread; it hands that work to its own threads.
 */
@FunctionalInterface
public interface EventListener {

    /**
     * Handles one event.
     *
     * @param event the validated event
     * @return how many units of work (e.g. deliveries) the listener durably stored for it; added up over all listeners
     *     and reported to the publisher
     * @throws Exception when the listener could not durably store what it needs (e.g. its database is unavailable);
     *     it must then have stored nothing for this event. The publisher reports the event as not accepted
     *     ({@code 503} over HTTP) so that Console core may publish it again.
     */
    int onEvent(ConsoleEvent event) throws Exception;
}
