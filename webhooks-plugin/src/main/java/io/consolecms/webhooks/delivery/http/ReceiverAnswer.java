package io.consolecms.webhooks.delivery.http;

import io.consolecms.webhooks.delivery.AttemptResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;

/** What an attempt keeps of a receiver's answer: the start of its body, its error, its {@code Retry-After}. */
final class ReceiverAnswer {

    private ReceiverAnswer() {
    }

    /**
     * The start of an answer's body, and whether the body ended there.
     *
     * @param text at most {@link AttemptResult#MAX_BODY_BYTES}, cut on a character boundary; {@code null} when empty
     * @param whole whether the body was read to its end, so that the connection can be reused
     */
    record Body(String text, boolean whole) {
    }

    /**
     * Reads the start of the answer, at most {@link AttemptResult#MAX_BODY_BYTES} and one byte more to tell whether
     * there is more; the stream is left open. When there is more, the caller must discard the connection rather than
     * close the stream: closing it would read the rest, however long, to reuse the connection.
     */
    static Body body(HttpEntity entity) throws IOException {
        if (entity == null) {
            return new Body(null, true);
        }
        InputStream in = entity.getContent();
        if (in == null) {
            return new Body(null, true);
        }
        byte[] head = in.readNBytes(AttemptResult.MAX_BODY_BYTES);
        boolean more = head.length == AttemptResult.MAX_BODY_BYTES && in.read() >= 0;
        String text = head.length == 0 ? null
                : new String(head, 0, more ? utf8Boundary(head) : head.length, StandardCharsets.UTF_8);
        return new Body(text, !more);
    }

    /** The length of the longest prefix of {@code bytes} that does not end inside a UTF-8 sequence. */
    static int utf8Boundary(byte[] bytes) {
        int start = bytes.length - 1;
        while (start > 0 && bytes.length - start < 4 && (bytes[start] & 0xC0) == 0x80) {
            start--;
        }
        int lead = bytes[start] & 0xff;
        int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return bytes.length - start < length ? start : bytes.length;
    }

    /** The receiver's {@code Retry-After}, read only on 429 and 503, or {@code null}. */
    static Duration retryAfter(ClassicHttpResponse response, Instant now) {
        if (response.getCode() != 429 && response.getCode() != 503) {
            return null;
        }
        Header header = response.getFirstHeader(HttpHeaders.RETRY_AFTER);
        return header == null ? null : RetryAfter.parse(header.getValue(), now);
    }

    /** The error of a non-2xx answer: its status line, and why a redirect was not followed. */
    static String statusError(ClassicHttpResponse response) {
        int status = response.getCode();
        String reason = response.getReasonPhrase() == null || response.getReasonPhrase().isBlank()
                ? "" : " " + response.getReasonPhrase();
        String error = "HTTP " + status + reason;
        if (status >= 300 && status < 400) {
            Header location = response.getFirstHeader(HttpHeaders.LOCATION);
            error += ": redirects are not followed" + (location == null ? "" : " (Location: " + location.getValue()
                    + ")");
        }
        return error;
    }
}
