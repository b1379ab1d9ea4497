package io.consolecms.it.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One HTTP/1.1 request written byte for byte on a socket, so that it can carry what {@code java.net.http} refuses to
 * send: invalid percent-encodings and raw bytes in the target, odd header values, bodies in any encoding. The framing
 * itself stays valid (a {@code Content-Length} that matches the body, {@code Connection: close}), so that every
 * request gets an answer and a missing one means the host did not give it.
 *
 * @param target the request target as sent: path and query, already encoded (or not) as the fuzz wants
 * @param headers header lines other than {@code Host}, {@code Content-Length} and {@code Connection}
 */
record RawRequest(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int SHOWN_BODY_BYTES = 96;
    private static final int KEPT_ANSWER_BYTES = 64 * 1024;

    /**
     * What came back: the status (0 when none; -1 when the host closed the connection before taking the whole body,
     * its answer lost in the reset) and the start of the answer, or the problem instead of an answer. */
    record Outcome(int status, String answer, String problem) {
        boolean serverError() {
            return problem != null || status >= 500 || status < 100 && status != -1;
        }

        /** Whether the host closed the connection, once the request was sent, without a byte of answer. */
        boolean lost() {
            return status == 0 && problem == null && answer.isEmpty();
        }
    }

    /** Sends this request to {@code base} and reads the answer until the host closes the connection. */
    Outcome sendTo(URI base) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head(base));
                out.write(body);
                out.flush();
            } catch (IOException closedEarly) {
                // The host may answer (e.g. 404, 413) and close before it has read a body it does not want; HTTP
                // allows that. Its answer, when it arrived before the reset, is still judged; none is no 5xx.
                try {
                    String text = new String(readUntilClosed(socket.getInputStream(), deadline),
                            StandardCharsets.ISO_8859_1);
                    return new Outcome(status(text) == 0 ? -1 : status(text), text, null);
                } catch (IOException reset) {
                    return new Outcome(-1, "", null);
                }
            }
            byte[] answer = readUntilClosed(socket.getInputStream(), deadline);
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            return new Outcome(status(text), text, null);
        } catch (SocketTimeoutException slow) {
            return new Outcome(0, "", "no answer within " + TIMEOUT.toSeconds() + " s");
        } catch (IOException broken) {
            return new Outcome(0, "", "connection failed: " + broken);
        }
    }

    private byte[] head(URI base) {
        StringBuilder head = new StringBuilder()
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
        headers.forEach(header -> head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n"));
        head.append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n\r\n");
        return head.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] readUntilClosed(InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int read;
        while ((read = in.read(buffer)) >= 0) {
            if (kept.size() < KEPT_ANSWER_BYTES) {
                kept.write(buffer, 0, Math.min(read, KEPT_ANSWER_BYTES - kept.size()));
            }
            if (System.nanoTime() > deadline) {
                throw new SocketTimeoutException("answer still streaming");
            }
        }
        return kept.toByteArray();
    }

    private static int status(String answer) {
        // "HTTP/1.1 400 Bad Request", after any interim "HTTP/1.1 100 Continue"
        while (answer.startsWith("HTTP/1.1 1") && answer.indexOf("\r\n\r\n") > 0) {
            answer = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        }
        if (!answer.startsWith("HTTP/1.") || answer.length() < 12) {
            return 0;
        }
        try {
            return Integer.parseInt(answer.substring(9, 12));
        } catch (NumberFormatException notAStatus) {
            return 0;
        }
    }

    /** The request as a failure report shows it: method, target, headers and a hex dump of the body's start. */
    @Override
    public String toString() {
        StringBuilder shown = new StringBuilder().append(method).append(' ').append(visible(target));
        headers.forEach(header -> shown.append("\n    ").append(visible(header.getKey())).append(": ")
                .append(visible(header.getValue())));
        shown.append("\n    body ").append(body.length).append(" bytes");
        if (body.length > 0) {
            int shownBytes = Math.min(body.length, SHOWN_BODY_BYTES);
            shown.append(": ").append(HexFormat.ofDelimiter(" ").formatHex(body, 0, shownBytes))
                    .append(body.length > shownBytes ? " …" : "")
                    .append("\n    as text: ").append(visible(new String(body, 0, shownBytes, StandardCharsets.UTF_8)));
        }
        return shown.toString();
    }

    private static String visible(String text) {
        String cut = text.length() > 300 ? text.substring(0, 300) + "…(" + text.length() + " chars)" : text;
        StringBuilder shown = new StringBuilder();
        cut.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                shown.append(String.format("\\x%02x", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return shown.toString();
    }
}
