package io.consolecms.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;
import io.consolecms.plugin.PluginSettings.InvalidSettingException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CmsHostTest {

    @TempDir
    Path home;

    @Test
    void generatesOwnerOnlyTokenFilesOnFirstStartAndReusesThemLater() throws Exception {
        Map<String, String> env = RunningHost.environment(home);
        env.remove("CMS_ADMIN_TOKEN");
        env.remove("CMS_CORE_TOKEN");
        Path admin = home.resolve("data/admin-token");
        Path core = home.resolve("data/core-token");

        try (RunningHost first = RunningHost.start(env)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(admin))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(core))).isEqualTo("rw-------");
            assertThat(first.get("/api/plugins", Files.readString(admin).trim()).statusCode()).isEqualTo(200);
        }
        String adminToken = Files.readString(admin);
        String coreToken = Files.readString(core);
        assertThat(adminToken.trim()).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(coreToken.trim());

        try (RunningHost second = RunningHost.start(env)) {
            assertThat(Files.readString(admin)).isEqualTo(adminToken);
            assertThat(second.get("/api/plugins", adminToken.trim()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void closesPluginsInReverseStartOrder() {
        List<String> closed = new CopyOnWriteArrayList<>();

        RunningHost host = RunningHost.start(home, new Closing("first", closed), new Closing("second", closed),
                new Closing("third", closed));
        host.close();

        assertThat(closed).containsExactly("third", "second", "first");
    }

    @Test
    void healthIsUpWithEmbeddedH2FileDatabaseByDefault() {
        Map<String, String> env = RunningHost.environment(home);
        env.remove("CMS_DB_URL");

        try (RunningHost host = RunningHost.start(env)) {
            assertThat(host.get("/health", null).body()).isEqualTo("{\"status\":\"UP\"}");
            assertThat(host.host().baseUri().toString()).matches("http://127\\.0\\.0\\.1:\\d+/");
        }
        assertThat(home.resolve("data/cms.mv.db")).exists();
    }

    @Test
    void aDatabaseThatCannotBeReachedNamesTheVariable() {
        Map<String, String> env = RunningHost.environment(home);
        env.put("CMS_DB_URL", "jdbc:no-such-driver://nowhere/cms?password=hunter2");

        assertThatThrownBy(() -> RunningHost.start(env)).isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("CMS_DB_URL: ").hasMessageNotContaining("hunter2");
    }

    @Test
    void aPortInUseNamesTheVariable() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Map<String, String> env = RunningHost.environment(home);
            env.put("CMS_PORT", Integer.toString(taken.getLocalPort()));

            assertThatThrownBy(() -> RunningHost.start(env)).isInstanceOf(InvalidSettingException.class)
                    .hasMessageStartingWith("CMS_PORT: ");
        }
    }

    @Test
    void servesTheAdminUiAndNothingElseOutsideTheApi() {
        try (RunningHost host = RunningHost.start(home)) {
            assertThat(host.get("/", null).statusCode()).isEqualTo(200);
            assertThat(host.get("/", null).headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/html"));
            assertThat(host.get("/no-such-page.html", null).statusCode()).isEqualTo(404);
            assertThat(host.get("/logback.xml", null).statusCode()).isEqualTo(404);
            assertThat(host.get("/admin-ui/index.html", null).statusCode()).isEqualTo(404);
        }
    }

    /** Records when it is closed. */
    private record Closing(String id, List<String> closed) implements Plugin {
        @Override
        public void start(PluginContext context) {
        }

        @Override
        public void close() {
            closed.add(id);
        }
    }
}
