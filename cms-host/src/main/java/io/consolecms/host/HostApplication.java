package io.consolecms.host;

import io.consolecms.host.auth.BearerAuthFilter;
import io.consolecms.host.auth.Tokens;
import io.consolecms.host.http.AdminUiResource;
import io.consolecms.host.http.HealthResource;
import io.consolecms.host.http.JsonErrorMapper;
import io.consolecms.host.http.JsonMapperResolver;
import io.consolecms.host.http.UndecodableBodyMapper;
import io.consolecms.host.http.UnexpectedErrorMapper;
import io.consolecms.host.http.WebApplicationErrorMapper;
import io.consolecms.host.metrics.HostMetrics;
import io.consolecms.host.metrics.MetricsResource;
import io.consolecms.host.plugins.CollectionsResource;
import io.consolecms.host.plugins.PluginAssetsResource;
import io.consolecms.host.plugins.PluginsResource;
import io.consolecms.host.plugins.Plugins;
import java.util.function.BooleanSupplier;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;

/** The JAX-RS application: the host's own resources, filters and mappers, then what the started plugins added. */
final class HostApplication {

    private HostApplication() {
    }

    /** {@code POST /api/events} is not here: {@link io.consolecms.host.events.EventsHandler} serves it in front. */
    static ResourceConfig create(Tokens tokens, Plugins plugins, BooleanSupplier pluginsStarted,
                                 BooleanSupplier databaseAnswers, HostMetrics metrics) {
        ResourceConfig config = new ResourceConfig();
        config.setApplicationName("cms-host");
        config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        config.register(JacksonFeature.withoutExceptionMappers());
        config.register(new JsonMapperResolver());
        config.register(new JsonErrorMapper());
        config.register(new UndecodableBodyMapper());
        config.register(new WebApplicationErrorMapper());
        config.register(new UnexpectedErrorMapper());
        config.register(new BearerAuthFilter(tokens));
        config.register(new HealthResource(pluginsStarted, databaseAnswers));
        config.register(new MetricsResource(metrics, tokens));
        config.register(new PluginsResource(plugins));
        config.register(new CollectionsResource(plugins));
        config.register(new PluginAssetsResource(plugins));
        config.register(new AdminUiResource());
        plugins.resources().forEach(config::register);
        plugins.providers().forEach(config::register);
        return config;
    }
}
