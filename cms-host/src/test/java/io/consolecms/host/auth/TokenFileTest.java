package io.consolecms.host.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {

    @TempDir
    Path dir;

    @Test
    void generatesAnOwnerOnlyFileWith256RandomBitsOnFirstStart() throws IOException {
        Path file = dir.resolve("data").resolve("admin-token");

        String token = TokenFile.readOrGenerate(file);

        assertThat(Files.readString(file).trim()).isEqualTo(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(token).matches("[A-Za-z0-9_-]+");
        assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
    }

    @Test
    void reusesTheTokenOnLaterStarts() throws IOException {
        Path file = dir.resolve("core-token");

        String first = TokenFile.readOrGenerate(file);
        String second = TokenFile.readOrGenerate(file);

        assertThat(second).isEqualTo(first);
    }

    @Test
    void generatesADifferentTokenEachTime() {
        assertThat(TokenFile.generate()).isNotEqualTo(TokenFile.generate());
    }

    @Test
    void refusesAFileWithoutAUsableToken() throws IOException {
        Path file = dir.resolve("admin-token");
        Files.writeString(file, "\n");

        assertThatThrownBy(() -> TokenFile.readOrGenerate(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("admin-token");
    }
}
