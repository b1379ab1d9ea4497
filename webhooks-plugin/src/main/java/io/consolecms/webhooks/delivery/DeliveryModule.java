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
    private final GroupCommit writer;
    private final Dispatcher dispatcher;
    private final WebhookPing ping;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DeliveryModule(DeliverySettings settings, DeliverySender sender, GroupCommit writer,
                           Dispatcher dispatcher, WebhookPing ping) {
        this.settings = settings;
        this.sender = sender;
        this.writer = writer;
        this.dispatcher = dispatcher;
        this.ping = ping;
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
        GroupCommit writer = new GroupCommit(dataSource);
        Dispatcher dispatcher = new Dispatcher(outbox, writer, sender, settings);
        DeliveryLog log = new DeliveryLog(dataSource, clock);
        WebhookPing ping = new WebhookPing(dataSource, outbox, sender, settings, clock);
        DeliveryModule module = new DeliveryModule(settings, sender, writer, dispatcher, ping);
        try {
            context.addEventListener(new EventIngest(writer, dispatcher, clock));
            context.addResource(new WebhookDeliveriesResource(log));
            context.addResource(new DeliveriesResource(log, dispatcher::wake));
            context.addResource(new WebhookRedeliverResource(log, dispatcher::wake));
            context.addResource(new WebhookTestResource(ping));
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
     * Stops dispatching and sending test events (in-flight attempts get their timeout plus 5 s, their outcomes are
     * recorded), commits what the writer still holds and refuses further events, then closes the sender. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            ping.close();
            dispatcher.close();
            writer.close();
        } finally {
            sender.close();
        }
    }
}
