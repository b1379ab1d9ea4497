package io.consolecms.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.host.RunningHost;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a plugin jar sees of the host: the plugin API, the Jakarta APIs, Jackson, SLF4J, Micrometer's instrument API
 * and the JDK; nothing else of the host's class path, and its own copy of any class it bundles.
 */
class PluginIsolationTest {

    @TempDir
    static Path home;
    static RunningHost host;

    @BeforeAll
    static void start() throws Exception {
        PluginProbe.clear();
        PluginJarBuilder.build("nosy", Files.createDirectories(home.resolve("plugins")).resolve("nosy.jar"), "1.0.0");
        host = RunningHost.start(home);
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @Test
    void seesThePluginApiTheJakartaApisJacksonSlf4jMicrometerAndTheJdk() {
        assertThat(PluginProbe.records()).contains("shared io.consolecms.plugin.Plugin", "shared jakarta.ws.rs.Path",
                "shared jakarta.validation.Validation", "shared com.fasterxml.jackson.databind.ObjectMapper",
                "shared org.slf4j.Logger", "shared io.micrometer.core.instrument.MeterRegistry",
                "shared java.sql.Connection", "shared javax.sql.DataSource",
                "resource jakarta/ws/rs/Path.class");
    }

    @Test
    void seesNoOtherClassOrResourceOfTheHost() {
        assertThat(PluginProbe.records()).contains("hidden com.zaxxer.hikari.HikariDataSource",
                "hidden io.consolecms.host.CmsHost", "hidden org.h2.Driver",
                "hidden org.glassfish.jersey.server.ResourceConfig", "hidden org.eclipse.jetty.server.Server",
                "hidden org.hibernate.validator.HibernateValidator", "hidden ch.qos.logback.classic.Logger",
                "hidden io.micrometer.prometheusmetrics.PrometheusMeterRegistry",
                "no resource org/h2/Driver.class", "no resource META-INF/services/java.sql.Driver");
    }

    @Test
    void getsItsOwnCopyOfAClassItBundles() {
        assertThat(PluginProbe.records()).contains("own com.zaxxer.hikari.HikariConfig");
    }

    @Test
    void startsTheCuriousPluginAllTheSame() {
        assertThat(host.host().plugins()).singleElement()
                .satisfies(plugin -> assertThat(plugin.state()).isEqualTo(PluginState.STARTED));
    }
}
