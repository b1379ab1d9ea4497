package io.consolecms.webhooks;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Identifiers shaped like MongoDB ObjectIds, as Mia CRUD Service documents have: 24 lowercase hex digits of 4 bytes
 * of seconds, 5 random bytes chosen once per process, and a 3-byte counter. Ids made by one process increase, so that
 * new rows are appended to the end of an index instead of landing on random pages of it (each commit then rewrites a
 * few pages, not one per row); the random part keeps processes apart.
 */
public final class ObjectId {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] PROCESS = new byte[5];
    private static final AtomicInteger COUNTER;

    static {
        RANDOM.nextBytes(PROCESS);
        COUNTER = new AtomicInteger(RANDOM.nextInt(1 << 24));
    }

    private ObjectId() {
    }

    /** A new identifier. */
    public static String next() {
        byte[] bytes = new byte[12];
        int seconds = (int) (System.currentTimeMillis() / 1000);
        bytes[0] = (byte) (seconds >>> 24);
        bytes[1] = (byte) (seconds >>> 16);
        bytes[2] = (byte) (seconds >>> 8);
        bytes[3] = (byte) seconds;
        System.arraycopy(PROCESS, 0, bytes, 4, 5);
        int count = COUNTER.getAndIncrement();
        bytes[9] = (byte) (count >>> 16);
        bytes[10] = (byte) (count >>> 8);
        bytes[11] = (byte) count;
        return HEX.formatHex(bytes);
    }

    /** Whether {@code text} has the shape of an identifier made by {@link #next()}. */
    public static boolean isValid(String text) {
        return text != null && text.matches("[0-9a-f]{24}");
    }
}
