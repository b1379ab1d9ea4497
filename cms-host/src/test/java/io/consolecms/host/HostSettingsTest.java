package io.consolecms.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consolecms.plugin.PluginSettings.InvalidSettingException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HostSettingsTest {

    @Test
    void everySettingHasADefault() {
        HostSettings settings = HostSettings.fromEnvironment(Map.of());

        assertThat(settings.port()).isEqualTo(8080);
        assertThat(settings.bind()).isEqualTo("127.0.0.1");
        assertThat(settings.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(settings.pluginsDir()).isEqualTo(Path.of("plugins").toAbsolutePath());
        assertThat(settings.dbUrl()).startsWith("jdbc:h2:file:" + Path.of("data").toAbsolutePath().resolve("cms"));
        assertThat(settings.adminToken()).isEmpty();
        assertThat(settings.coreToken()).isEmpty();
        assertThat(settings.metricsToken()).isEmpty();
    }

    @Test
    void readsEveryVariable() {
        HostSettings settings = HostSettings.fromEnvironment(Map.of(
                "CMS_PORT", "9090", "CMS_BIND", "0.0.0.0", "CMS_DATA_DIR", "/srv/cms", "CMS_PLUGINS_DIR", "/opt/p",
                "CMS_DB_URL", "jdbc:postgresql://db/cms", "CMS_DB_USER", "cms", "CMS_DB_PASSWORD", "pw",
                "CMS_ADMIN_TOKEN", "a".repeat(20), "CMS_CORE_TOKEN", "c".repeat(20),
                "CMS_METRICS_TOKEN", "m".repeat(20)));

        assertThat(settings.port()).isEqualTo(9090);
        assertThat(settings.bind()).isEqualTo("0.0.0.0");
        assertThat(settings.dataDir()).isEqualTo(Path.of("/srv/cms"));
        assertThat(settings.pluginsDir()).isEqualTo(Path.of("/opt/p"));
        assertThat(settings.dbUrl()).isEqualTo("jdbc:postgresql://db/cms");
        assertThat(settings.dbUser()).isEqualTo("cms");
        assertThat(settings.dbPassword()).isEqualTo("pw");
        assertThat(settings.adminToken()).contains("a".repeat(20));
        assertThat(settings.metricsToken()).contains("m".repeat(20));
        assertThat(settings.toString()).doesNotContain("pw").doesNotContain("aaaa").doesNotContain("mmmm");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "CMS_PORT        | eighty",
            "CMS_PORT        | 70000",
            "CMS_PORT        | -1",
            "CMS_BIND        | no-such-host.invalid",
            "CMS_DB_URL      | postgresql://db/cms",
            "CMS_ADMIN_TOKEN | short",
            "CMS_CORE_TOKEN  | has spaces in the middle of it",
            "CMS_METRICS_TOKEN | too-short"})
    void aBadValueIsAnErrorNamingItsVariable(String variable, String value) {
        assertThatThrownBy(() -> HostSettings.fromEnvironment(Map.of(variable, value)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(variable + ": ")
                .extracting(e -> ((InvalidSettingException) e).variable()).isEqualTo(variable);
    }

    @Test
    void theTwoTokensMustDiffer() {
        String token = "t".repeat(32);

        assertThatThrownBy(() -> HostSettings.fromEnvironment(Map.of("CMS_ADMIN_TOKEN", token,
                "CMS_CORE_TOKEN", token)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("CMS_CORE_TOKEN: ");
    }

    @Test
    void theMetricsTokenMustDifferFromTheOthers() {
        String token = "t".repeat(32);

        assertThatThrownBy(() -> HostSettings.fromEnvironment(Map.of("CMS_ADMIN_TOKEN", token,
                "CMS_METRICS_TOKEN", token)))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("CMS_METRICS_TOKEN: ");
    }
}
