package io.consolecms.webhooks.secrets;

import io.consolecms.plugin.EncryptionKeys;
import java.security.SecureRandom;
import java.util.List;

/** Random keys for tests, as a host would offer them. */
public final class TestKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestKeys() {
    }

    /** A random key with the given id. */
    public static EncryptionKeys.Key key(String id) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return new EncryptionKeys.Key(id, bytes);
    }

    /** One random current key, no previous one. */
    public static EncryptionKeys keys() {
        return new EncryptionKeys(key("test" + RANDOM.nextInt(10_000)), List.of());
    }

    /** A box under {@link #keys()}. */
    public static SecretBox box() {
        return SecretBox.of(keys());
    }
}
