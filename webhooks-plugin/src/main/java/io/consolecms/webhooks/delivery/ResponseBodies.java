package io.consolecms.webhooks.delivery;

import java.nio.charset.StandardCharsets;

/** Keeps a receiver's answer within what the attempt log stores: 4 KiB of UTF-8, never a broken character. */
final class ResponseBodies {

    private ResponseBodies() {
    }

    static String cut(String body) {
        if (body == null) {
            return null;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= AttemptResult.MAX_BODY_BYTES) {
            return body;
        }
        int end = AttemptResult.MAX_BODY_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // do not split a multi-byte character
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
