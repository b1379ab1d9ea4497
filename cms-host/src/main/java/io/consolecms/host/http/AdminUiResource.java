package io.consolecms.host.http;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/** The admin UI's static files, from the class-path folder {@code admin-ui/}; no authentication. */
@Path("/")
public final class AdminUiResource {

    private final StaticFiles files = new StaticFiles(AdminUiResource.class.getClassLoader(), "admin-ui");

    @GET
    public Response index() {
        return file("index.html");
    }

    @GET
    @Path("{path: .+}")
    public Response file(@PathParam("path") String path) {
        return files.serve(path).orElseThrow(() -> new NotFoundException("not found"));
    }
}
