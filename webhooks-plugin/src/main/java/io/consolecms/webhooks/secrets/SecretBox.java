package io.consolecms.webhooks.secrets;

import io.consolecms.plugin.EncryptionKeys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals and opens the values the plugin keeps at rest (a webhook's {@code secret}, its proxy URL with credentials):
 * AES-256-GCM under the host's keys, stored as {@code enc:v1:<key id>:<base64(iv | ciphertext | tag)>}. The key id
 * tells which key sealed a value, so that a new key can take over while the previous one still opens older rows.
 * A value without the prefix was stored in plain text by an earlier version: {@link #open} returns it as is until
 * {@link Resealer} has sealed it. Thread-safe.
 */
public final class SecretBox {

    /** The start of every sealed value. */
    public static final String PREFIX = "enc:v1:";

    /**
     * What the delivery side reads in place of a value that cannot be opened. It holds a NUL character, which no
     * secret nor URL may hold, so it can never be mistaken for a real one; a delivery carrying it is not sent.
     */
    public static final String UNREADABLE = "\u0000unreadable";

    /** The reason recorded on a delivery that is not sent because its webhook's values cannot be opened. */
    public static final String UNREADABLE_REASON =
            "the webhook's secret cannot be decrypted with the configured CMS_SECRET_KEY: not delivered";

    private static final Logger LOG = LoggerFactory.getLogger(SecretBox.class);
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final SecretBox NONE = new SecretBox(null);

    // The delivery side reads webhooks in static SQL helpers; one plugin instance per class loader installs its box.
    private static volatile SecretBox active = NONE;

    private final EncryptionKeys.Key current;
    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    private SecretBox(EncryptionKeys encryptionKeys) {
        this.current = encryptionKeys == null ? null : encryptionKeys.current();
        if (encryptionKeys != null) {
            for (EncryptionKeys.Key key : encryptionKeys.all()) {
                keys.putIfAbsent(key.id(), new SecretKeySpec(key.bytes(), "AES"));
            }
        }
    }

    /** A box that seals under {@code keys.current()} and opens under any of {@code keys.all()}. */
    public static SecretBox of(EncryptionKeys keys) {
        return new SecretBox(java.util.Objects.requireNonNull(keys, "keys"));
    }

    /** The box of the running plugin, installed by its start; until then one that opens only plain values. */
    public static SecretBox active() {
        return active;
    }

    /** Installs the box of the plugin that is starting; {@code null} uninstalls it (at close). */
    public static void activate(SecretBox box) {
        active = box == null ? NONE : box;
    }

    /**
     * What the delivery side uses of a stored value: the plain value, or {@link #UNREADABLE} when it cannot be opened
     * (reported once per key id in the log, never with the value).
     */
    public static String forDelivery(String stored) {
        SecretBox box = active;
        try {
            return box.open(stored);
        } catch (UnreadableSecretException e) {
            box.reportOnce(e);
            return UNREADABLE;
        }
    }

    /** The sealed form of {@code plain} under the current key; {@code null} stays {@code null}. */
    public String seal(String plain) {
        if (plain == null) {
            return null;
        }
        if (current == null) {
            throw new IllegalStateException("no key to seal with");
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(current.id()), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad(current.id()));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
            return PREFIX + current.id() + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is part of every JDK", e);
        }
    }

    /**
     * The plain value of a stored one: opened when sealed, as is when stored in plain text by an earlier version;
     * {@code null} stays {@code null}.
     *
     * @throws UnreadableSecretException when no configured key has its key id, or the value fails GCM's integrity
     *                                   check (a wrong key under a reused id, or an altered row)
     */
    public String open(String stored) throws UnreadableSecretException {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored;
        }
        int colon = stored.indexOf(':', PREFIX.length());
        String keyId = colon < 0 ? "?" : stored.substring(PREFIX.length(), colon);
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new UnreadableSecretException(keyId, "was sealed under key " + keyId
                    + ", which is neither CMS_SECRET_KEY nor CMS_SECRET_KEY_PREVIOUS");
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(colon + 1));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(aad(keyId));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new UnreadableSecretException(keyId, "fails its integrity check under key " + keyId);
        }
    }

    /** Whether {@code stored} is sealed under the current key, i.e. needs no re-sealing. */
    public boolean isCurrent(String stored) {
        return stored == null || current != null && stored.startsWith(PREFIX + current.id() + ":");
    }

    /** Says that values of {@code keyId} that cannot be opened were reported already (by the start-up check). */
    void markReported(String keyId) {
        reported.add(keyId);
    }

    /** Whether {@code value}, as read for a document or a delivery, stands for a stored value that cannot be opened. */
    public static boolean isUnreadable(String value) {
        return UNREADABLE.equals(value);
    }

    /** Logs, once per key id, that values cannot be opened: the one line that tells the operator why. */
    public void reportOnce(UnreadableSecretException e) {
        if (reported.add(e.keyId())) {
            LOG.error("a webhook secret {}: it cannot be decrypted with the configured CMS_SECRET_KEY, so its "
                    + "deliveries are not sent (set the key that sealed it, e.g. as CMS_SECRET_KEY_PREVIOUS)",
                    e.getMessage());
        }
    }

    private static byte[] aad(String keyId) {
        return ("enc:v1:" + keyId).getBytes(StandardCharsets.US_ASCII);
    }
}
