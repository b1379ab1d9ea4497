package io.consolecms.webhooks.delivery;

import io.consolecms.plugin.PluginContext;
import io.consolecms.webhooks.catalog.EventCatalog;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Wires the delivery side of the plugin: the event listener, the dispatcher, the delivery log API, bulk redelivery,
 * webhook health, the meters and the retention. What {@link #start} opens, {@link #close} shuts.
 */
public final class DeliveryModule implements AutoCloseable {

    private final DeliverySettings settings;
    private final DeliverySender sender;
    private final GroupCommit writer;
    private final Dispatcher dispatcher;
    private final DeliveryMetrics metrics;
    private final PendingBacklog backlog;
    private final Retention retention;
    private final WebhookPing ping;
    private final AutoDisable autoDisable;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DeliveryModule(DeliverySettings settings, DeliverySender sender, GroupCommit writer,
                           Dispatcher dispatcher, DeliveryMetrics metrics, PendingBacklog backlog,
                           Retention retention, WebhookPing ping, AutoDisable autoDisable) {
        this.settings = settings;
        this.sender = sender;
        this.writer = writer;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.backlog = backlog;
        this.retention = retention;
        this.ping = ping;
        this.autoDisable = autoDisable;
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
        DeliveryMetrics metrics = new DeliveryMetrics(context.meterRegistry());
        PendingBacklog backlog = new PendingBacklog(dataSource, clock, context.meterRegistry());
        Dispatcher dispatcher = new Dispatcher(outbox, writer, sender, settings, metrics);
        Retention retention = new Retention(dataSource, writer, settings.retention(), clock,
                context.meterRegistry());
        DeliveryLog log = new DeliveryLog(dataSource, clock);
        WebhookPing ping = new WebhookPing(dataSource, outbox, sender, settings, clock);
        AutoDisable autoDisable = new AutoDisable(dataSource, writer, settings.disableAfter(), clock);
        metrics.openTargets(dispatcher::openTargets);
        DeliveryModule module = new DeliveryModule(settings, sender, writer, dispatcher, metrics, backlog, retention,
                ping, autoDisable);
        try {
            context.addEventListener(new EventIngest(writer, dispatcher, clock));
            context.addResource(new WebhookDeliveriesResource(log));
            context.addResource(new DeliveriesResource(log, dispatcher::wake));
            BulkRedelivery bulk = new BulkRedelivery(dataSource, writer, dispatcher::wake, clock);
            context.addResource(new WebhookRedeliverResource(log, bulk));
            context.addResource(new DeliveriesRedeliverResource(log, bulk, EventCatalog.standard(), clock));
            context.addResource(new WebhookStatsResource(log, new HealthQuery(dataSource, clock)));
            context.addResource(new WebhookTestResource(ping));
            dispatcher.start();
            retention.start();
            autoDisable.start();
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
     * The health of the circuit breaker of a webhook's target in this host ({@code healthy}, {@code open} or
     * {@code probing}), as its document shows it. Each host keeps its own breakers. Lock-free; any thread.
     */
    public String targetHealth(String target) {
        return dispatcher.targetHealth(target);
    }

    /**
     * How many targets have their circuit breaker open (attempts paused, or a probe deciding) in this host now: the
     * value of the {@code webhook_circuit_open_targets} gauge. Lock-free; any thread.
     */
    public int openTargets() {
        return dispatcher.openTargets();
    }

    /**
     * Removes the meters, stops the retention and the auto-disable sweep, stops dispatching and sending test events
     * (in-flight attempts get their timeout plus 5 s, their outcomes are recorded), commits what the writer still
     * holds and refuses further events, then closes the sender. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            backlog.close();
            metrics.close();
            retention.close();
            autoDisable.close();
            ping.close();
            dispatcher.close();
            writer.close();
        } finally {
            sender.close();
        }
    }
}
