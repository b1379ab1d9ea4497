package io.consolecms.host.http;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * The admin UI's static files, from the class-path folder {@code admin-ui/}, kept in memory with ETags and gzip (see
 * {@link StaticFiles}); no authentication.
 */
@Path("/")
public final class AdminUiResource {

    private final StaticFiles files = new StaticFiles(AdminUiResource.class.getClassLoader(), "admin-ui");

    @GET
    public Response index(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
                          @HeaderParam(HttpHeaders.ACCEPT_ENCODING) String acceptEncoding) {
        return file("index.html", ifNoneMatch, acceptEncoding);
    }

    @GET
    @Path("{path: .+}")
    public Response file(@PathParam("path") String path, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
                         @HeaderParam(HttpHeaders.ACCEPT_ENCODING) String acceptEncoding) {
        return files.serve(path, ifNoneMatch, acceptEncoding).orElseThrow(() -> new NotFoundException("not found"));
    }
}
