package io.consolecms.webhooks.delivery;

import io.consolecms.plugin.PluginContext;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Wires the delivery side of the plugin: the event listener, the dispatcher and the delivery log API. What
 * {@link #start} opens, {@link #close} shuts.
 */
public final class DeliveryModule implements AutoCloseable {

    private final DeliverySettings settings;
    private final DeliverySender sender;
    private final Dispatcher dispatcher;
    private EventIngest ingest;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DeliveryModule(DeliverySettings settings, DeliverySender sender, Dispatcher dispatcher) {
        this.settings = settings;
        this.sender = sender;
        this.dispatcher = dispatcher;
    }

    /**
     * Reads the delivery settings, contributes the event listener and the delivery resources, and starts
     * dispatching. The plugin's tables must already be migrated.
     *
     * @param senders makes the HTTP sender from the settings; the module closes it
     * @throws io.consolecms.plugin.PluginSettings.InvalidSettingException naming the variable of a bad setting
     */
    public static DeliveryModule start(PluginContext context, Function<DeliverySettings, DeliverySender> senders) {
        DeliverySettings settings = DeliverySettings.from(context.settings());
        DeliverySender sender = Objects.requireNonNull(senders.apply(settings), "sender");
        DataSource dataSource = context.dataSource();
        Clock clock = Clock.systemUTC();
        Outbox outbox = new Outbox(dataSource, clock);
        Dispatcher dispatcher = new Dispatcher(outbox, sender, settings);
        DeliveryLog log = new DeliveryLog(dataSource, clock);
        DeliveryModule module = new DeliveryModule(settings, sender, dispatcher);
        try {
            module.ingest = new EventIngest(dataSource, dispatcher, clock);
            context.addEventListener(module.ingest);
            context.addResource(new WebhookDeliveriesResource(log));
            context.addResource(new DeliveriesResource(log, dispatcher::wake));
            context.addResource(new WebhookRedeliverResource(log, dispatcher::wake));
            context.addResource(new WebhookTestResource(new WebhookPing(dataSource, outbox, sender, settings, clock)));
            dispatcher.start();
        } catch (RuntimeException failure) {
            module.close();
            throw failure;
        }
        return module;
    }

    /** The settings in force, e.g. the networks for the sender's target policy. */
    public DeliverySettings settings() {
        return settings;
    }

    /**
     * Stores the events already published and refuses more, stops dispatching (in-flight attempts get their timeout
     * plus 5 s), then closes the sender. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (ingest != null) {
                ingest.close();
            }
            dispatcher.close();
        } finally {
            sender.close();
        }
    }
}
