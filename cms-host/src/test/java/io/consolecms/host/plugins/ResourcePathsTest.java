package io.consolecms.host.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

class ResourcePathsTest {

    @Path("/api/webhooks/")
    static final class Webhooks {
    }

    @Path("api/deliveries")
    static final class Deliveries {
    }

    @Path("webhooks")
    static final class OutsideApi {
    }

    @Path("api")
    static final class TheWholeApi {
    }

    @Path("api/plugins")
    static final class HostsPlugins {
    }

    @Path("api/collections/mine")
    static final class UnderHostsCollections {
    }

    @Path("api/{anything}")
    static final class Template {
    }

    static final class NoPath {
    }

    @Test
    void acceptsAPathUnderApiNamingItsCollection() {
        assertThat(ResourcePaths.of(new Webhooks())).isEqualTo("api/webhooks");
        assertThat(ResourcePaths.of(new Deliveries())).isEqualTo("api/deliveries");
    }

    @Test
    void refusesPathsOutsideApiOrTakenByTheHost() {
        for (Object resource : new Object[] {new OutsideApi(), new TheWholeApi(), new HostsPlugins(),
                new UnderHostsCollections(), new Template(), new NoPath(), Webhooks.class}) {
            assertThatThrownBy(() -> ResourcePaths.of(resource)).as(resource.toString())
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
