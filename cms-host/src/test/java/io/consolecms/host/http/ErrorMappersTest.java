package io.consolecms.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.test.JerseyTest;
import org.glassfish.jersey.test.TestProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorMappersTest extends JerseyTest {

    // One server for the whole class instead of JerseyTest's one per test: each start and stop takes seconds.
    @Override
    public void setUp() {
    }

    @Override
    public void tearDown() {
    }

    @BeforeAll
    void startServer() throws Exception {
        super.setUp();
    }

    @AfterAll
    void stopServer() throws Exception {
        super.tearDown();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a document looks like to {@link Documents}. */
    public record Document(String target, int retries) {
    }

    @Path("docs")
    public static final class Documents {
        @POST
        @Consumes(MediaType.APPLICATION_JSON)
        @Produces(MediaType.APPLICATION_JSON)
        public Document create(Document document) {
            return document;
        }

        @GET
        @Path("missing")
        public String missing() {
            throw new NotFoundException();
        }

        @GET
        @Path("refused")
        public Response refused() {
            throw new BadRequestException(Response.status(400).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity("{\"errors\":[{\"field\":\"target\",\"message\":\"not a URL\"}]}").build());
        }

        @GET
        @Path("broken")
        public String broken() {
            throw new IllegalStateException("password=hunter2 in a stack trace");
        }
    }

    @Override
    protected Application configure() {
        forceSet(TestProperties.CONTAINER_PORT, "0");
        return new ResourceConfig()
                .register(JacksonFeature.withoutExceptionMappers())
                .register(new JsonMapperResolver())
                .register(new JsonErrorMapper())
                .register(new UndecodableBodyMapper())
                .register(new WebApplicationErrorMapper())
                .register(new UnexpectedErrorMapper())
                .register(new Documents());
    }

    @Test
    void malformedJsonIs400NamingTheBody() throws Exception {
        Response response = target("docs").request().post(Entity.json("{\"target\":"));

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(error(response).get("field").asText()).isEqualTo("body");
    }

    @Test
    void undecodableUtf32Is400NamingTheBody() throws Exception {
        // Jackson reads a body starting with three NUL bytes as UTF-32: one cut short, one past U+10FFFF
        for (byte[] body : new byte[][] {{0, 0, 0, '{', 0, 0},
                {0, 0, 0, '{', 0, 0, 0, '"', 0, 0x11, 0, 0, 0, 0, 0, '"', 0, 0, 0, '}'}}) {
            Response response = target("docs").request()
                    .post(Entity.entity(body, MediaType.APPLICATION_JSON_TYPE));

            assertThat(response.getStatus()).isEqualTo(400);
            JsonNode error = error(response);
            assertThat(error.get("field").asText()).isEqualTo("body");
            assertThat(error.get("message").asText()).isNotBlank();
        }
    }

    @Test
    void jsonOfTheWrongShapeIs400NamingTheMember() throws Exception {
        Response response = target("docs").request().post(Entity.json("{\"target\":\"x\",\"retries\":\"many\"}"));

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(error(response).get("field").asText()).isEqualTo("retries");
    }

    @Test
    void aWebApplicationExceptionKeepsItsStatusAndGetsAJsonBody() throws Exception {
        Response response = target("docs/missing").request().get();

        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.getMediaType().toString()).startsWith("application/json");
        assertThat(error(response).get("message").asText()).isNotBlank();
    }

    @Test
    void aWebApplicationExceptionWithABodyKeepsIt() {
        Response response = target("docs/refused").request().get();

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.readEntity(String.class))
                .isEqualTo("{\"errors\":[{\"field\":\"target\",\"message\":\"not a URL\"}]}");
    }

    @Test
    void anythingElseIs500WithOnlyAnErrorId() throws Exception {
        Response response = target("docs/broken").request().get();

        assertThat(response.getStatus()).isEqualTo(500);
        String body = response.readEntity(String.class);
        assertThat(body).doesNotContain("hunter2").doesNotContain("IllegalStateException");
        JsonNode error = JSON.readTree(body).get("errors").get(0);
        assertThat(error.get("message").asText()).isEqualTo("internal error");
        assertThat(error.get("errorId").asText()).matches("[0-9a-f]{16}");
    }

    @Test
    void anUnsupportedMediaTypeIs415WithAJsonBody() throws Exception {
        Response response = target("docs").request().post(Entity.text("target"));

        assertThat(response.getStatus()).isEqualTo(415);
        assertThat(error(response).get("message").asText()).isNotBlank();
    }

    private static JsonNode error(Response response) throws Exception {
        return JSON.readTree(response.readEntity(String.class)).get("errors").get(0);
    }
}
