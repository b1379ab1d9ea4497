package sample.nosy;

import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;
import java.util.List;
import sample.probe.Probe;

/** A plugin that looks for classes and resources of the host, and bundles its own copy of one of its libraries. */
public final class NosyPlugin implements Plugin {

    @Override
    public String id() {
        return "nosy";
    }

    @Override
    public void start(PluginContext context) {
        ClassLoader own = getClass().getClassLoader();
        for (String name : List.of("io.consolecms.plugin.Plugin", "jakarta.ws.rs.Path",
                "jakarta.validation.Validation", "com.fasterxml.jackson.databind.ObjectMapper", "org.slf4j.Logger",
                "java.sql.Connection", "javax.sql.DataSource", "com.zaxxer.hikari.HikariDataSource",
                "com.zaxxer.hikari.HikariConfig", "io.consolecms.host.CmsHost", "org.h2.Driver",
                "org.glassfish.jersey.server.ResourceConfig", "org.eclipse.jetty.server.Server",
                "org.hibernate.validator.HibernateValidator", "ch.qos.logback.classic.Logger",
                "io.micrometer.core.instrument.MeterRegistry",
                "io.micrometer.prometheusmetrics.PrometheusMeterRegistry")) {
            try {
                Class<?> type = Class.forName(name, false, own);
                Probe.record((type.getClassLoader() == own ? "own " : "shared ") + name);
            } catch (ClassNotFoundException hidden) {
                Probe.record("hidden " + name);
            }
        }
        for (String resource : List.of("jakarta/ws/rs/Path.class", "org/h2/Driver.class",
                "META-INF/services/java.sql.Driver")) {
            Probe.record((own.getResource(resource) == null ? "no resource " : "resource ") + resource);
        }
    }
}
