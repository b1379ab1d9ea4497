package io.consolecms.webhooks.delivery.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small forward HTTP proxy on loopback: absolute-form requests are forwarded (one per connection), {@code CONNECT}
 * opens a tunnel. Optionally demands {@code Proxy-Authorization: Basic}, answering 407 with
 * {@code Proxy-Authenticate} otherwise. Records each request line, and which of them carried valid credentials.
 */
final class TestProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String expectedAuthorization;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private final List<String> passedLines = new CopyOnWriteArrayList<>();
    private volatile boolean refuseTunnels;

    private TestProxy(String user, String password) {
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.expectedAuthorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        threads.execute(this::acceptLoop);
    }

    /** A proxy that lets everyone through. */
    static TestProxy open() {
        return new TestProxy(null, null);
    }

    /** A proxy that demands Basic authentication with these credentials. */
    static TestProxy withBasicAuth(String user, String password) {
        return new TestProxy(user, password);
    }

    /** From now on answers every CONNECT with 403, as a proxy whose rules forbid the target. */
    TestProxy refusingTunnels() {
        refuseTunnels = true;
        return this;
    }

    /** {@code http://127.0.0.1:<port>}, with {@code userInfo} (already percent-encoded) when not {@code null}. */
    String url(String userInfo) {
        return "http://" + (userInfo == null ? "" : userInfo + "@") + "127.0.0.1:" + server.getLocalPort();
    }

    String url() {
        return url(null);
    }

    /** Every request line received, in order, e.g. {@code CONNECT 127.0.0.1:1234 HTTP/1.1}. */
    List<String> requestLines() {
        return List.copyOf(requestLines);
    }

    /** The request lines that passed authentication and were forwarded or tunnelled. */
    List<String> forwardedLines() {
        return List.copyOf(passedLines);
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
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            String requestLine = readLine(in);
            if (requestLine == null) {
                return;
            }
            List<String> headers = readHeaders(in);
            byte[] body = in.readNBytes(contentLength(headers));
            requestLines.add(requestLine);
            String authorization = header(headers, "Proxy-Authorization");
            if (expectedAuthorization != null && !expectedAuthorization.equals(authorization)) {
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\n"
                        + "Proxy-Authenticate: Basic realm=\"test proxy\"\r\n"
                        + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            String[] parts = requestLine.split(" ");
            if (refuseTunnels && parts[0].equals("CONNECT")) {
                out.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return;
            }
            passedLines.add(requestLine);
            if (parts[0].equals("CONNECT")) {
                tunnel(in, out, parts[1]);
            } else {
                forward(parts, headers, body, out);
            }
        } catch (IOException broken) {
            // the client or the target went away: nothing to do in a test proxy
        } finally {
            sockets.remove(client);
        }
    }

    private void tunnel(InputStream in, OutputStream out, String authority) throws IOException {
        int colon = authority.lastIndexOf(':');
        String host = authority.substring(0, colon);
        try (Socket upstream = new Socket(host, Integer.parseInt(authority.substring(colon + 1)))) {
            sockets.add(upstream);
            out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            threads.execute(() -> {
                try {
                    in.transferTo(upstream.getOutputStream());
                } catch (IOException ignored) {
                    // the other direction closes both
                } finally {
                    closeQuietly(upstream);
                }
            });
            upstream.getInputStream().transferTo(out);
        } finally {
            sockets.removeIf(Socket::isClosed);
        }
    }

    private void forward(String[] requestLine, List<String> headers, byte[] body, OutputStream out)
            throws IOException {
        URI target = URI.create(requestLine[1]);
        int port = target.getPort() < 0 ? 80 : target.getPort();
        try (Socket upstream = new Socket(target.getHost(), port)) {
            sockets.add(upstream);
            OutputStream up = upstream.getOutputStream();
            String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
            StringBuilder head = new StringBuilder(requestLine[0] + " " + path + " " + requestLine[2] + "\r\n");
            for (String header : headers) {
                String name = header.substring(0, header.indexOf(':')).toLowerCase(Locale.ROOT);
                if (!name.startsWith("proxy-") && !name.equals("connection") && !name.equals("keep-alive")) {
                    head.append(header).append("\r\n");
                }
            }
            head.append("Connection: close\r\n\r\n");
            up.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            up.write(body);
            up.flush();

            InputStream down = new BufferedInputStream(upstream.getInputStream());
            String statusLine = readLine(down);
            List<String> responseHeaders = readHeaders(down);
            StringBuilder response = new StringBuilder(statusLine + "\r\n");
            for (String header : responseHeaders) {
                String name = header.substring(0, header.indexOf(':')).toLowerCase(Locale.ROOT);
                if (!name.equals("connection") && !name.equals("keep-alive")) {
                    response.append(header).append("\r\n");
                }
            }
            response.append("Connection: close\r\n\r\n");
            out.write(response.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (header(responseHeaders, "Content-Length") != null) {
                out.write(down.readNBytes(contentLength(responseHeaders)));
            } else {
                down.transferTo(out);
            }
            out.flush();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return b < 0 && line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static List<String> readHeaders(InputStream in) throws IOException {
        List<String> headers = new ArrayList<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            headers.add(line);
        }
        return headers;
    }

    private static String header(List<String> headers, String name) {
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return header.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static int contentLength(List<String> headers) {
        String value = header(headers, "Content-Length");
        return value == null ? 0 : Integer.parseInt(value);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(TestProxy::closeQuietly);
        threads.shutdownNow();
    }
}
