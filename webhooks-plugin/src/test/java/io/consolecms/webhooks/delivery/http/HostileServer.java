package io.consolecms.webhooks.delivery.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A receiver (or proxy) on loopback written on a bare {@link ServerSocket}, so that it can answer what no HTTP server
 * would: it reads each request head and then writes what its {@link Script} says, for as long as the client listens.
 */
final class HostileServer implements AutoCloseable {

    /** What to write once a request head has arrived; an {@link IOException} means the client hung up. */
    interface Script {
        void answer(OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final Script script;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong written = new AtomicLong();
    private final CountDownLatch hungUp = new CountDownLatch(1);

    HostileServer(Script script) {
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.script = script;
        threads.execute(this::acceptLoop);
    }

    /** {@code HTTP/1.1 200 x…}: a status line that never ends. */
    static Script endlessStatusLine() {
        return out -> {
            out.write(ascii("HTTP/1.1 200 "));
            endless(out, (byte) 'x');
        };
    }

    /** A status line, then one header line that never ends. */
    static Script endlessHeaderLine() {
        return out -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nX-Endless: "));
            endless(out, (byte) 'a');
        };
    }

    /** {@code statusLine} followed by {@code count} short headers, then an empty body. */
    static Script manyHeaders(String statusLine, int count) {
        return out -> {
            StringBuilder head = new StringBuilder(statusLine).append("\r\n");
            for (int i = 0; i < count; i++) {
                head.append("X-Header-").append(i).append(": v\r\n");
            }
            out.write(ascii(head.append("Content-Length: 0\r\n\r\n").toString()));
            out.flush();
        };
    }

    /** A 200 with a chunked body of {@code totalBytes}, 64 KiB a chunk, pausing {@code pauseMillis} between chunks. */
    static Script slowHugeBody(long totalBytes, long pauseMillis) {
        return out -> {
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'b');
            byte[] chunkHead = ascii(Integer.toHexString(chunk.length) + "\r\n");
            for (long sent = 0; sent < totalBytes; sent += chunk.length) {
                out.write(chunkHead);
                out.write(chunk);
                out.write(ascii("\r\n"));
                out.flush();
                Thread.sleep(pauseMillis);
            }
            out.write(ascii("0\r\n\r\n"));
            out.flush();
        };
    }

    /** Writes {@code fill} until the client hangs up, or 100 MB have gone. */
    private static void endless(OutputStream out, byte fill) throws IOException {
        byte[] block = new byte[8192];
        java.util.Arrays.fill(block, fill);
        for (int i = 0; i < 100 * 1024 * 1024 / block.length; i++) {
            out.write(block);
        }
        out.flush();
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    URI uri(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + server.getLocalPort() + path);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Whether a client hung up on the script (its write failed) within {@code timeoutMillis}. */
    boolean sawHangUp(long timeoutMillis) throws InterruptedException {
        return hungUp.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Bytes the script managed to hand to the kernel, over all connections. */
    long written() {
        return written.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                threads.execute(() -> handle(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void handle(Socket client) {
        try (client) {
            readHead(client.getInputStream());
            script.answer(new CountingStream(client.getOutputStream()));
            // leave the rest to the client: it reads what it reads, then closes
            client.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException hungUpOnUs) {
            hungUp.countDown();
        } catch (InterruptedException closing) {
            Thread.currentThread().interrupt();
        } finally {
            sockets.remove(client);
        }
    }

    /** Up to the empty line, and a small body if any: the request's bytes are not what this server is about. */
    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = ascii("\r\n\r\n");
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the client went away before its request head ended");
            }
            matched = b == end[matched] ? matched + 1 : b == end[0] ? 1 : 0;
        }
    }

    private final class CountingStream extends OutputStream {
        private final OutputStream out;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            written.incrementAndGet();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            written.addAndGet(len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        threads.shutdownNow();
    }
}
