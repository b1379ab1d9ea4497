package io.consolecms.host.keys;

import io.consolecms.host.auth.TokenFile;
import io.consolecms.plugin.EncryptionKeys;
import io.consolecms.plugin.PluginSettings.InvalidSettingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Resolves the keys that plugins encrypt their data at rest with: {@code CMS_SECRET_KEY} (base64 of 32 bytes), else
 * the key generated on first start into {@code CMS_DATA_DIR/secret-key} (mode 600); plus
 * {@code CMS_SECRET_KEY_PREVIOUS}, the key being replaced, which still opens what it sealed.
 */
public final class AtRestKeys {

    /** The name of the generated key's file in the data folder. */
    public static final String FILE_NAME = "secret-key";

    private AtRestKeys() {
    }

    /**
     * The keys of {@code environment}, generating the key file in {@code dataDir} when {@code CMS_SECRET_KEY} is unset
     * and there is none yet.
     *
     * @throws InvalidSettingException naming the variable whose value is not base64 of 32 bytes, or
     *                                 {@code CMS_DATA_DIR} when the key file cannot be read or written
     */
    public static EncryptionKeys resolve(Map<String, String> environment, Path dataDir) {
        String configured = value(environment, "CMS_SECRET_KEY");
        EncryptionKeys.Key current;
        if (configured != null) {
            current = key("CMS_SECRET_KEY", configured);
        } else {
            Path file = dataDir.resolve(FILE_NAME);
            try {
                current = key("CMS_DATA_DIR", TokenFile.readOrGenerate(file));
            } catch (IOException e) {
                throw new InvalidSettingException("CMS_DATA_DIR", "cannot keep the secret key in " + file + ": " + e);
            }
        }
        List<EncryptionKeys.Key> previous = new ArrayList<>();
        String old = value(environment, "CMS_SECRET_KEY_PREVIOUS");
        if (old != null) {
            EncryptionKeys.Key key = key("CMS_SECRET_KEY_PREVIOUS", old);
            if (!key.id().equals(current.id())) {
                previous.add(key);
            }
        }
        return new EncryptionKeys(current, previous);
    }

    /** Where the current key comes from, for the start-up log (never the key). */
    public static String source(Map<String, String> environment, Path dataDir) {
        return value(environment, "CMS_SECRET_KEY") != null ? "from CMS_SECRET_KEY"
                : dataDir.resolve(FILE_NAME).toString();
    }

    /** A key from base64 (standard or URL-safe, padded or not) of exactly 32 bytes; its id derives from its bytes. */
    static EncryptionKeys.Key key(String variable, String base64) {
        byte[] bytes;
        try {
            String text = base64.trim();
            bytes = text.indexOf('-') >= 0 || text.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(text)
                    : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException notBase64) {
            throw new InvalidSettingException(variable, "must be base64 of 32 random bytes (e.g. openssl rand "
                    + "-base64 32)");
        }
        if (bytes.length != 32) {
            throw new InvalidSettingException(variable, "must be base64 of 32 random bytes (e.g. openssl rand "
                    + "-base64 32), not of " + bytes.length);
        }
        return new EncryptionKeys.Key(id(bytes), bytes);
    }

    /** The first 8 hex digits of SHA-256("cms-secret-key-id" + key): names the key, reveals nothing of it. */
    static String id(byte[] key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("cms-secret-key-id".getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(sha256.digest(key), 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String value(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }
}
