package io.consolecms.host.plugins;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code GET /api/plugins}: every plugin with its state, and the reason of a failed one. */
@Path("api/plugins")
public final class PluginsResource {

    private final Plugins plugins;

    public PluginsResource(Plugins plugins) {
        this.plugins = plugins;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<InstalledPlugin> list() {
        return plugins.installed();
    }
}
