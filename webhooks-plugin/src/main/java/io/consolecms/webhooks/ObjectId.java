package io.consolecms.webhooks;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Identifiers shaped like MongoDB ObjectIds (24 lowercase hex digits: 4 bytes of seconds, 8 random bytes), as Mia
 * CRUD Service documents have; they sort roughly by creation time.
 */
public final class ObjectId {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private ObjectId() {
    }

    /** A new identifier. */
    public static String next() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        int seconds = (int) (System.currentTimeMillis() / 1000);
        bytes[0] = (byte) (seconds >>> 24);
        bytes[1] = (byte) (seconds >>> 16);
        bytes[2] = (byte) (seconds >>> 8);
        bytes[3] = (byte) seconds;
        return HEX.formatHex(bytes);
    }

    /** Whether {@code text} has the shape of an identifier made by {@link #next()}. */
    public static boolean isValid(String text) {
        return text != null && text.matches("[0-9a-f]{24}");
    }
}
