package io.consolecms.it.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.it.Api;
import io.consolecms.it.HostProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built host jar as a process that the test restarts and stops: tokens, SIGTERM, an empty plugins folder. */
class HostLifecycleIT {

    @TempDir
    Path home;

    @Test
    void keepsGeneratedOwnerOnlyTokensAcrossRestartsAndExitsZeroOnSigterm() throws Exception {
        HostProcess first = HostProcess.withWebhooksPlugin(home).start();
        Path adminFile = first.dataDir().resolve("admin-token");
        Path coreFile = first.dataDir().resolve("core-token");
        String admin = first.adminToken();
        String core = first.coreToken();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(adminFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(coreFile))).isEqualTo("rw-------");
        assertThat(admin).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(core);

        assertThat(first.stop()).isEqualTo(0);
        assertThat(first.logText()).contains("stopped");

        HostProcess again = first.start();
        try {
            assertThat(again.adminToken()).isEqualTo(admin);
            assertThat(again.coreToken()).isEqualTo(core);
            assertThat(again.api().get("/api/plugins").status()).isEqualTo(200);
        } finally {
            assertThat(again.stop()).isEqualTo(0);
        }
    }

    @Test
    void runsHealthyWithAnEmptyPluginsFolder() throws Exception {
        try (HostProcess bare = HostProcess.bare(home).start()) {
            Api client = bare.api();

            assertThat(client.send("GET", "/health", null, null).status()).isEqualTo(200);
            assertThat(client.get("/api/plugins").json()).isEmpty();
            assertThat(client.get("/api/collections").json()).isEmpty();
            assertThat(client.get("/api/webhooks/").status()).isEqualTo(404);
        }
    }
}
