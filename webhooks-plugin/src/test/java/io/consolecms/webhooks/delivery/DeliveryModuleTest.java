package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DeliveryModuleTest {

    private final DeliveryDatabase db = new DeliveryDatabase();

    @Test
    void contributesTheListenerAndTheDeliveryResourcesAndClosesTheSender() throws Exception {
        RecordingPluginContext context = new RecordingPluginContext(Map.of("CMS_WEBHOOKS_TIMEOUT", "2s"), db.dataSource);
        AtomicBoolean senderClosed = new AtomicBoolean();

        DeliveryModule module = DeliveryModule.start(context, settings -> new DeliverySender() {
            private final DeliverySender real = LoopbackSender.create(settings.timeout());

            @Override
            public AttemptResult send(DeliveryRequest request) {
                return real.send(request);
            }

            @Override
            public void close() {
                real.close();
                senderClosed.set(true);
            }
        });

        assertThat(module.settings().timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(context.listeners).singleElement().isInstanceOf(EventIngest.class);
        assertThat(context.resources).extracting(resource -> resource.getClass().getSimpleName())
                .containsExactlyInAnyOrder("WebhookDeliveriesResource", "DeliveriesResource",
                        "WebhookRedeliverResource", "DeliveriesRedeliverResource", "WebhookStatsResource",
                        "WebhookTestResource");
        assertThat(context.meters.get("webhook.circuit.open.targets").gauge().value())
                .as("no target has failed yet").isZero();
        module.close();
        assertThat(senderClosed).isTrue();
        assertThat(context.meters.find("webhook.circuit.open.targets").gauge())
                .as("removed from the registry, which outlives the plugin").isNull();
    }

    @Test
    void refusesToStartWithABadSettingNamingItsVariable() {
        RecordingPluginContext context = new RecordingPluginContext(Map.of("CMS_WEBHOOKS_WORKERS", "many"), db.dataSource);

        assertThatThrownBy(() -> DeliveryModule.start(context, settings -> LoopbackSender.create(settings.timeout())))
                .hasMessageContaining("CMS_WEBHOOKS_WORKERS");
        assertThat(context.listeners).isEmpty();
        assertThat(context.resources).isEmpty();
    }
}
