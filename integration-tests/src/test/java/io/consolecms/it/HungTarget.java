package io.consolecms.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A webhook target that has hung: it accepts every connection on loopback and never answers, so each attempt against
 * it lasts until the sender's timeout. It keeps accepting, so the kernel's backlog never fills and a connection never
 * fails fast.
 */
public final class HungTarget implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final ExecutorService readers = Executors.newCachedThreadPool(daemon -> {
        Thread thread = new Thread(daemon, "hung-target-reader");
        thread.setDaemon(true);
        return thread;
    });
    private final Thread acceptor;

    private HungTarget(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::acceptForever, "hung-target-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A hung target on a free loopback port. */
    public static HungTarget start() throws IOException {
        return new HungTarget(new ServerSocket(0, 200, InetAddress.getLoopbackAddress()));
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                held.add(socket);
                open.incrementAndGet();
                readers.execute(() -> readUntilTheSenderGivesUp(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Reads and ignores the request, so that the sender's close (its timeout) is seen; never writes a byte. */
    private void readUntilTheSenderGivesUp(Socket socket) {
        byte[] sink = new byte[4096];
        try (InputStream in = socket.getInputStream()) {
            while (in.read(sink) >= 0) {
                // ignored
            }
        } catch (IOException gone) {
            // reset by the sender, or closed by close()
        } finally {
            open.decrementAndGet();
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    /** How many connections it has accepted (and left unanswered). */
    public int accepted() {
        return held.size();
    }

    /** How many accepted connections the sender still holds open, waiting for an answer that never comes. */
    public int open() {
        return open.get();
    }

    @Override
    public void close() throws IOException {
        readers.shutdownNow();
        server.close();
        for (Socket socket : held) {
            socket.close();
        }
    }
}
