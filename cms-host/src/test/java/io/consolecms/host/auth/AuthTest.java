package io.consolecms.host.auth;

import static io.consolecms.host.RunningHost.ADMIN;
import static io.consolecms.host.RunningHost.CORE;
import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.host.RunningHost;
import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthTest {

    @TempDir
    static java.nio.file.Path home;
    static RunningHost host;

    @BeforeAll
    static void start() {
        host = RunningHost.start(home, new WhoAmIPlugin());
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    @Test
    void healthNeedsNoToken() {
        HttpResponse<String> response = host.get("/health", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void theAdminUiNeedsNoToken() {
        assertThat(host.get("/", null).statusCode()).isEqualTo(200);
        assertThat(host.get("/index.html", null).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/plugins", "/api/collections", "/api/who", "/api/no-such-thing", "/api"})
    void everyApiPathAnswers401WithoutAToken(String path) {
        HttpResponse<String> response = host.get(path, null);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(response.body()).startsWith("{\"errors\":[{\"message\":");
    }

    @Test
    void anUnknownTokenIs401() {
        assertThat(host.get("/api/plugins", "not-a-token-of-this-host").statusCode()).isEqualTo(401);
        assertThat(host.send(host.request("/api/plugins", null).header("Authorization", "Basic " + ADMIN).build())
                .statusCode()).isEqualTo(401);
    }

    @Test
    void theCoreTokenCannotUseTheAdminApi() {
        HttpResponse<String> response = host.get("/api/plugins", CORE);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("errors");
    }

    @Test
    void theAdminTokenCannotPublishEvents() {
        HttpResponse<String> response = host.postJson("/api/events",
                "{\"eventName\":\"project_created\",\"eventTimestamp\":1,\"payload\":{}}", ADMIN);

        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void eventsNeedAToken() {
        HttpResponse<String> response = host.postJson("/api/events",
                "{\"eventName\":\"project_created\",\"eventTimestamp\":1,\"payload\":{}}", null);

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void theCoreTokenPublishesEvents() {
        HttpResponse<String> response = host.postJson("/api/events",
                "{\"eventName\":\"project_created\",\"eventTimestamp\":1,\"payload\":{}}", CORE);

        assertThat(response.statusCode()).isEqualTo(202);
    }

    @Test
    void theAdminTokenReadsTheApiAsTheAdminPrincipal() {
        assertThat(host.get("/api/plugins", ADMIN).statusCode()).isEqualTo(200);
        assertThat(host.get("/api/collections", ADMIN).statusCode()).isEqualTo(200);
        assertThat(host.get("/api/who", ADMIN).body()).isEqualTo("admin");
    }

    @Test
    void aPathThatClimbsOutIsRefused() {
        assertThat(host.get("/plugins/../api/plugins", null).statusCode()).isEqualTo(400);
        assertThat(host.get("/x/%2e%2e/api/plugins", null).statusCode()).isEqualTo(400);
        assertThat(host.get("/%61pi/plugins", null).statusCode()).isEqualTo(401);
    }

    /** A plugin whose resource says who the caller is. */
    static final class WhoAmIPlugin implements Plugin {
        @Override
        public String id() {
            return "who";
        }

        @Override
        public void start(PluginContext context) {
            context.addResource(new WhoResource());
        }
    }

    @Path("api/who")
    public static final class WhoResource {
        @GET
        public String who(@Context SecurityContext security) {
            return security.getUserPrincipal().getName();
        }
    }
}
