package io.consolecms.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginSettingsTest {

    private final PluginSettings settings = PluginSettings.forPlugin("webhooks", Map.of(
            "CMS_WEBHOOKS_TIMEOUT", "15s",
            "CMS_WEBHOOKS_RETRY_SCHEDULE", "5s, 5m,30m,2h",
            "CMS_WEBHOOKS_BAD", "soon",
            "CMS_OTHER_TIMEOUT", "1s",
            "CMS_PORT", "8080"));

    @Test
    void seesOnlyItsOwnVariables() {
        PluginSettings other = PluginSettings.forPlugin("other", Map.of("CMS_WEBHOOKS_TIMEOUT", "15s"));
        assertThat(other.get("timeout")).isEmpty();
        assertThat(settings.get("port")).isEmpty();
        assertThat(settings.duration("timeout", Duration.ZERO)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void parsesDurationListsAndFallsBackWhenUnset() {
        assertThat(settings.durations("retry-schedule", List.of()))
                .containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2));
        assertThat(settings.duration("missing", Duration.ofMillis(7))).isEqualTo(Duration.ofMillis(7));
    }

    @Test
    void anUnparsableValueNamesTheVariable() {
        assertThatThrownBy(() -> settings.duration("bad", Duration.ZERO))
                .isInstanceOf(PluginSettings.InvalidSettingException.class)
                .hasMessageContaining("CMS_WEBHOOKS_BAD")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> settings.positiveInt("bad", 1)).hasMessageStartingWith("CMS_WEBHOOKS_BAD:");
    }

    @Test
    void readsPayloadStringsByDotPath() {
        ConsoleEvent event = new ConsoleEvent("e1", "company_user_added", 1L,
                Map.of("resource", Map.of("companyId", "acme"), "n", 3), new byte[0]);
        assertThat(event.payloadString("resource.companyId")).isEqualTo("acme");
        assertThat(event.payloadString("resource.projectId")).isNull();
        assertThat(event.payloadString("n")).isNull();
        assertThat(event.payloadString("n.x")).isNull();
    }
}
