package sample.greeting;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

@Path("api/greetings")
public final class GreetingResource {

    private final String greeting;

    public GreetingResource(String greeting) {
        this.greeting = greeting;
    }

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String greet() {
        return greeting + " from " + getClass().getClassLoader().getName();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> echo(Map<String, Object> body) {
        return body;
    }

    @GET
    @Path("boom")
    public String boom() {
        throw new IllegalStateException("secret detail of the failure");
    }
}
