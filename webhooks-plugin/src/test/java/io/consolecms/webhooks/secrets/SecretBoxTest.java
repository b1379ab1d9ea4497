package io.consolecms.webhooks.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consolecms.plugin.EncryptionKeys;
import io.consolecms.webhooks.Migrations;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

    private final EncryptionKeys.Key oldKey = TestKeys.key("old00001");
    private final EncryptionKeys.Key newKey = TestKeys.key("new00002");

    @Test
    void sealsUnderTheCurrentKeyIdWithAFreshIvEachTime() throws Exception {
        SecretBox box = SecretBox.of(new EncryptionKeys(newKey, List.of()));
        String once = box.seal("whsec_abc");
        assertThat(once).startsWith("enc:v1:new00002:").doesNotContain("whsec_abc");
        assertThat(box.seal("whsec_abc")).isNotEqualTo(once);
        assertThat(box.open(once)).isEqualTo("whsec_abc");
        assertThat(box.open("plain from an earlier version")).isEqualTo("plain from an earlier version");
    }

    @Test
    void aValueOfAnUnknownKeyOrAnAlteredOneCannotBeOpened() {
        String sealed = SecretBox.of(new EncryptionKeys(oldKey, List.of())).seal("s");
        SecretBox other = SecretBox.of(new EncryptionKeys(newKey, List.of()));
        assertThatThrownBy(() -> other.open(sealed)).isInstanceOf(UnreadableSecretException.class)
                .hasMessageContaining("old00001");
        SecretBox sameIdOtherBytes = SecretBox.of(new EncryptionKeys(TestKeys.key("old00001"), List.of()));
        assertThatThrownBy(() -> sameIdOtherBytes.open(sealed)).isInstanceOf(UnreadableSecretException.class)
                .hasMessageContaining("integrity");
    }

    @Test
    void valuesOfThePreviousKeyOpenAndAreResealedUnderTheNewOneThePreviousSecretToo() throws Exception {
        JdbcDataSource database = new JdbcDataSource();
        database.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Migrations.migrate(database);
        String sealedByOld = SecretBox.of(new EncryptionKeys(oldKey, List.of())).seal("rotate-me");
        // the secret a secret rotation replaced, still signing during its overlap, is sealed too
        String previousByOld = SecretBox.of(new EncryptionKeys(oldKey, List.of())).seal("rotated-out");
        try (Connection connection = database.getConnection()) {
            connection.createStatement().executeUpdate("INSERT INTO webhooks (id, event_name, target, secret, state,"
                    + " created_at, updated_at, creator_id, updater_id, previous_secret, previous_secret_until)"
                    + " VALUES ('w', 'project_created', 'https://example.com/', '" + sealedByOld + "', 'PUBLIC', 1, 1,"
                    + " 'a', 'a', '" + previousByOld + "', 99)");
        }
        SecretBox rotated = SecretBox.of(new EncryptionKeys(newKey, List.of(oldKey)));
        assertThat(rotated.open(sealedByOld)).isEqualTo("rotate-me");

        assertThat(new Resealer(database, rotated).run(true)).isZero();
        assertThat(new Resealer(database, rotated).run(false)).isEqualTo(1);

        try (Connection connection = database.getConnection();
             ResultSet rows = connection.createStatement().executeQuery(
                     "SELECT secret, previous_secret FROM webhooks")) {
            rows.next();
            assertThat(rows.getString(1)).startsWith("enc:v1:new00002:");
            assertThat(rows.getString(2)).startsWith("enc:v1:new00002:");
            SecretBox newOnly = SecretBox.of(new EncryptionKeys(newKey, List.of()));
            assertThat(newOnly.open(rows.getString(1))).isEqualTo("rotate-me");
            assertThat(newOnly.open(rows.getString(2))).isEqualTo("rotated-out");
        }
    }
}
