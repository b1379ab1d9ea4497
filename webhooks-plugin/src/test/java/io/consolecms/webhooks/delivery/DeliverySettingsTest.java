package io.consolecms.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consolecms.plugin.PluginSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliverySettingsTest {

    private static DeliverySettings from(Map<String, String> environment) {
        return DeliverySettings.from(PluginSettings.forPlugin("webhooks", environment));
    }

    @Test
    void needsNoSettingAtAll() {
        DeliverySettings settings = from(Map.of());

        assertThat(settings.retrySchedule()).isEqualTo(RetrySchedule.DEFAULT);
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(settings.workers()).isEqualTo(128);
        assertThat(settings.perTarget()).isEqualTo(16);
        int capacity = DeliverySettings.defaultQueueCapacity(Runtime.getRuntime().maxMemory());
        assertThat(settings.queueCapacity()).isEqualTo(capacity);
        assertThat(settings.queuePerTarget()).isEqualTo(capacity / 10);
        assertThat(settings.allowNetworks()).isEmpty();
        assertThat(settings.denyNetworks()).isEmpty();
        assertThat(settings.lease()).isEqualTo(Duration.ofSeconds(40));
        assertThat(settings.breakerFailures()).isEqualTo(10);
        assertThat(settings.breakerCooldown()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.disableAfter()).isEqualTo(Duration.ofDays(5));
        assertThat(settings.retention()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void holdsInMemoryByDefaultOneDeliveryPerFourKibibytesOfHeapWithinBounds() {
        long mib = 1024 * 1024;
        assertThat(DeliverySettings.defaultQueueCapacity(1024 * mib)).isEqualTo(262_144);
        assertThat(DeliverySettings.defaultQueueCapacity(256 * mib)).isEqualTo(65_536);
        assertThat(DeliverySettings.defaultQueueCapacity(16 * mib)).isEqualTo(10_000); // never below the old default
        assertThat(DeliverySettings.defaultQueueCapacity(64 * 1024 * mib)).isEqualTo(1_000_000);
        assertThat(DeliverySettings.defaultQueueCapacity(Long.MAX_VALUE)).isEqualTo(1_000_000);
    }

    @Test
    void readsEveryVariable() {
        DeliverySettings settings = from(Map.ofEntries(
                Map.entry("CMS_WEBHOOKS_RETRY_SCHEDULE", "1s, 1m"),
                Map.entry("CMS_WEBHOOKS_TIMEOUT", "500ms"),
                Map.entry("CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8, ::1/128"),
                Map.entry("CMS_WEBHOOKS_DENY_NETWORKS", "10.0.0.0/8"),
                Map.entry("CMS_WEBHOOKS_WORKERS", "3"),
                Map.entry("CMS_WEBHOOKS_PER_TARGET", "1"),
                Map.entry("CMS_WEBHOOKS_QUEUE_CAPACITY", "5"),
                Map.entry("CMS_WEBHOOKS_BREAKER_FAILURES", "3"),
                Map.entry("CMS_WEBHOOKS_BREAKER_COOLDOWN", "2s"),
                Map.entry("CMS_WEBHOOKS_DISABLE_AFTER", "90m"),
                Map.entry("CMS_WEBHOOKS_RETENTION", "90s")));

        assertThat(settings.retrySchedule().delays()).containsExactly(Duration.ofSeconds(1), Duration.ofMinutes(1));
        assertThat(settings.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.allowNetworks()).containsExactly("127.0.0.0/8", "::1/128");
        assertThat(settings.denyNetworks()).isEqualTo(List.of("10.0.0.0/8"));
        assertThat(settings.workers()).isEqualTo(3);
        assertThat(settings.perTarget()).isEqualTo(1);
        assertThat(settings.queueCapacity()).isEqualTo(5);
        assertThat(settings.queuePerTarget()).isEqualTo(1);
        assertThat(settings.breakerFailures()).isEqualTo(3);
        assertThat(settings.breakerCooldown()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.disableAfter()).isEqualTo(Duration.ofMinutes(90));
        assertThat(settings.retention()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void namesTheVariableOfABadValue() {
        assertThatThrownBy(() -> from(Map.of("CMS_WEBHOOKS_TIMEOUT", "soon")))
                .hasMessageContaining("CMS_WEBHOOKS_TIMEOUT");
        assertThatThrownBy(() -> from(Map.of("CMS_WEBHOOKS_TIMEOUT", "0s")))
                .hasMessageContaining("CMS_WEBHOOKS_TIMEOUT");
        assertThatThrownBy(() -> from(Map.of("CMS_WEBHOOKS_RETRY_SCHEDULE", "5s,often")))
                .hasMessageContaining("CMS_WEBHOOKS_RETRY_SCHEDULE");
        assertThatThrownBy(() -> from(Map.of("CMS_WEBHOOKS_WORKERS", "0")))
                .hasMessageContaining("CMS_WEBHOOKS_WORKERS");
        assertThatThrownBy(() -> from(Map.of("CMS_WEBHOOKS_PER_TARGET", "-2")))
                .hasMessageContaining("CMS_WEBHOOKS_PER_TARGET");
        assertThatThrownBy(() -> from(Map.of("CMS_WEBHOOKS_QUEUE_CAPACITY", "lots")))
                .hasMessageContaining("CMS_WEBHOOKS_QUEUE_CAPACITY");
        assertThatThrownBy(() -> from(Map.of("CMS_WEBHOOKS_BREAKER_FAILURES", "0")))
                .hasMessageContaining("CMS_WEBHOOKS_BREAKER_FAILURES");
        assertThatThrownBy(() -> from(Map.of("CMS_WEBHOOKS_BREAKER_COOLDOWN", "0s")))
                .hasMessageContaining("CMS_WEBHOOKS_BREAKER_COOLDOWN");
        assertThatThrownBy(() -> from(Map.of("CMS_WEBHOOKS_DISABLE_AFTER", "a week")))
                .hasMessageContaining("CMS_WEBHOOKS_DISABLE_AFTER");
        assertThatThrownBy(() -> from(Map.of("CMS_WEBHOOKS_RETENTION", "a month")))
                .hasMessageContaining("CMS_WEBHOOKS_RETENTION");
        assertThatThrownBy(() -> from(Map.of("CMS_WEBHOOKS_RETENTION", "0d")))
                .hasMessageContaining("CMS_WEBHOOKS_RETENTION");
    }
}
