package io.consolecms.host.plugins;

import io.consolecms.host.http.StaticFiles;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/** {@code GET /plugins/<plugin id>/<path>}: a started plugin's static files for the admin UI; no authentication. */
@Path("plugins/{plugin}")
public final class PluginAssetsResource {

    private final Plugins plugins;

    public PluginAssetsResource(Plugins plugins) {
        this.plugins = plugins;
    }

    @GET
    @Path("{path: .+}")
    public Response file(@PathParam("plugin") String plugin, @PathParam("path") String path) {
        return plugins.uiAssets(plugin).stream()
                .map(files -> files.serve(path))
                .flatMap(Optional::stream)
                .findFirst()
                .orElseThrow(() -> new NotFoundException("not found"));
    }
}
