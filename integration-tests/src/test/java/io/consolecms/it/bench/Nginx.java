package io.consolecms.it.bench;

import io.consolecms.it.HostProcess;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's webhook receiver: Debian's nginx (not code under test) on a free loopback port, with its own prefix
 * and configuration in a temporary folder, answering every request {@code 204} on kept-alive connections, and logging
 * {@code $msec $http_webhook_id $request_uri} per request so that deliveries can be counted and timed.
 */
final class Nginx implements AutoCloseable {

    /** One line of the access log: when nginx answered (epoch ms), the {@code webhook-id} ("-" when none), the URI. */
    record Entry(long atMillis, String webhookId, String uri) {
    }

    private final Path dir;
    private final int port;
    private final Process process;

    private Nginx(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    static Nginx start(Path parent) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(parent, "nginx");
        Files.createDirectories(dir.resolve("tmp"));
        int port = HostProcess.freePort();
        String conf = """
                worker_processes 1;
                daemon off;
                master_process on;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 8192; multi_accept on; }
                http {
                    log_format hooks '$msec $http_webhook_id $request_uri';
                    access_log %1$s/access.log hooks buffer=64k flush=1s;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    keepalive_timeout 120s;
                    keepalive_requests 10000000;
                    server {
                        listen 127.0.0.1:%2$d backlog=4096;
                        location / { return 204; }
                    }
                }
                """.formatted(dir.toAbsolutePath(), port);
        Files.writeString(dir.resolve("nginx.conf"), conf);
        Files.createFile(dir.resolve("access.log"));
        Process process = new ProcessBuilder("nginx", "-p", dir.toAbsolutePath() + "/",
                "-c", dir.resolve("nginx.conf").toAbsolutePath().toString(), "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("nginx.out").toFile()))
                .start();
        Nginx nginx = new Nginx(dir, port, process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited: " + Files.readString(dir.resolve("nginx.out"))
                        + Files.readString(dir.resolve("error.log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                if (!nginx.workerPids().isEmpty()) {
                    return nginx;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        nginx.close();
        throw new IllegalStateException("nginx not listening within 10 s");
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    Path accessLog() {
        return dir.resolve("access.log");
    }

    List<Long> workerPids() {
        return process.toHandle().children().map(ProcessHandle::pid).toList();
    }

    /** SIGSTOP to the workers: connections are still accepted by the kernel, but nothing is answered. */
    void stopWorkers() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT to the workers. */
    void continueWorkers() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        for (long pid : workerPids()) {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
            kill.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** A reader of the access log from its current end: each {@link #poll()} returns the lines added since. */
    Tail tail() throws IOException {
        return new Tail(accessLog(), Files.size(accessLog()));
    }

    static final class Tail {
        private final Path file;
        private long offset;

        private Tail(Path file, long offset) {
            this.file = file;
            this.offset = offset;
        }

        /** The complete lines written since the last poll. */
        List<Entry> poll() throws IOException {
            List<Entry> entries = new ArrayList<>();
            try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                long length = in.length();
                if (length <= offset) {
                    return entries;
                }
                byte[] bytes = new byte[(int) Math.min(length - offset, 64L << 20)];
                in.seek(offset);
                in.readFully(bytes);
                int start = 0;
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] == '\n') {
                        String line = new String(bytes, start, i - start, StandardCharsets.US_ASCII);
                        start = i + 1;
                        String[] parts = line.split(" ", 3);
                        if (parts.length == 3) {
                            long millis = Math.round(Double.parseDouble(parts[0]) * 1000);
                            entries.add(new Entry(millis, parts[1], parts[2]));
                        }
                    }
                }
                offset += start;
            }
            return entries;
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            continueWorkers();
        } catch (IOException ignored) {
            // best effort
        }
        List<ProcessHandle> workers = process.toHandle().children().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        workers.forEach(ProcessHandle::destroyForcibly);
    }
}
