package io.consolecms.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.atomic.AtomicBoolean;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.test.JerseyTest;
import org.glassfish.jersey.test.TestProperties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthResourceTest extends JerseyTest {

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

    // Static: JerseyTest calls configure() from its constructor, before instance fields exist.
    private static final AtomicBoolean pluginsStarted = new AtomicBoolean();
    private static final AtomicBoolean databaseAnswers = new AtomicBoolean();

    @Override
    protected Application configure() {
        forceSet(TestProperties.CONTAINER_PORT, "0");
        return new ResourceConfig()
                .register(JacksonFeature.withoutExceptionMappers())
                .register(new HealthResource(pluginsStarted::get, databaseAnswers::get));
    }

    // JerseyTest starts and stops its server around each test by itself.
    @BeforeEach
    void everythingUp() {
        pluginsStarted.set(true);
        databaseAnswers.set(true);
    }

    @Test
    void isUpWhenPluginsStartedAndTheDatabaseAnswers() {
        Response response = target("health").request().get();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.readEntity(String.class)).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void isDownWhenTheDatabaseDoesNotAnswer() {
        databaseAnswers.set(false);

        Response response = target("health").request().get();

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.readEntity(String.class))
                .isEqualTo("{\"status\":\"DOWN\",\"database\":\"not answering\"}");
    }

    @Test
    void isDownUntilPluginsStarted() {
        pluginsStarted.set(false);

        Response response = target("health").request().get();

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.readEntity(String.class)).contains("\"status\":\"DOWN\"", "\"plugins\"");
    }
}
