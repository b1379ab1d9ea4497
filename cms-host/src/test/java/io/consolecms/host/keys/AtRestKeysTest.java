package io.consolecms.host.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consolecms.plugin.EncryptionKeys;
import io.consolecms.plugin.PluginSettings.InvalidSettingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtRestKeysTest {

    @TempDir
    Path dataDir;

    @Test
    void generatesTheKeyFileOwnerOnlyOnFirstStartAndReadsItBackLater() throws Exception {
        EncryptionKeys first = AtRestKeys.resolve(Map.of(), dataDir);
        Path file = dataDir.resolve("secret-key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.current().bytes()).hasSize(32);
        assertThat(first.previous()).isEmpty();
        assertThat(AtRestKeys.resolve(Map.of(), dataDir).current()).isEqualTo(first.current());
    }

    @Test
    void takesTheConfiguredKeyAndThePreviousOneWithIdsThatFollowTheirBytes() {
        String current = random();
        String previous = random();
        EncryptionKeys keys = AtRestKeys.resolve(Map.of("CMS_SECRET_KEY", current,
                "CMS_SECRET_KEY_PREVIOUS", previous), dataDir);
        assertThat(keys.current().bytes()).isEqualTo(Base64.getDecoder().decode(current));
        assertThat(keys.previous()).singleElement().satisfies(key ->
                assertThat(key.bytes()).isEqualTo(Base64.getDecoder().decode(previous)));
        assertThat(keys.current().id()).isNotEqualTo(keys.previous().get(0).id())
                .isEqualTo(AtRestKeys.resolve(Map.of("CMS_SECRET_KEY", current), dataDir).current().id());
        assertThat(Files.exists(dataDir.resolve("secret-key"))).isFalse();
    }

    @Test
    void aKeyThatIsNotBase64Of32BytesIsRefusedByName() {
        assertThatThrownBy(() -> AtRestKeys.resolve(Map.of("CMS_SECRET_KEY", "c2hvcnQ="), dataDir))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("CMS_SECRET_KEY");
        assertThatThrownBy(() -> AtRestKeys.resolve(Map.of("CMS_SECRET_KEY", random(),
                "CMS_SECRET_KEY_PREVIOUS", "not base64!"), dataDir))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("CMS_SECRET_KEY_PREVIOUS");
    }

    private static String random() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
