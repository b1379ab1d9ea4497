package io.consolecms.host.plugins;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.glassfish.jersey.Severity;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.server.model.ModelValidationException;
import org.glassfish.jersey.server.model.ResourceModelIssue;

/**
 * Checks one plugin's resources the way Jersey will when the host starts serving, so that a resource Jersey refuses
 * (e.g. two methods for the same request) fails that plugin alone instead of the whole host.
 */
final class ResourceModelCheck {

    private ResourceModelCheck() {
    }

    /** Why Jersey would refuse these resources and providers, or empty when it accepts them. */
    static Optional<String> problems(List<Object> resources, List<Object> providers) {
        if (resources.isEmpty() && providers.isEmpty()) {
            return Optional.empty();
        }
        ResourceConfig config = new ResourceConfig();
        config.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        config.register(JacksonFeature.withoutExceptionMappers());
        resources.forEach(config::register);
        providers.forEach(config::register);
        try {
            new ApplicationHandler(config).getInjectionManager().shutdown();
            return Optional.empty();
        } catch (ModelValidationException e) {
            return Optional.of("invalid resource: " + e.getIssues().stream()
                    .filter(issue -> issue.getSeverity() == Severity.FATAL)
                    .map(ResourceModelIssue::getMessage)
                    .collect(Collectors.joining("; ")));
        } catch (RuntimeException e) {
            return Optional.of("invalid resource or provider: " + e);
        }
    }
}
