package io.consolecms.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook target that has hung: it accepts every connection on loopback and never answers, so each attempt against
 * it lasts until the sender's timeout. It keeps accepting, so the kernel's backlog never fills and a connection never
 * fails fast.
 */
public final class HungTarget implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
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
                held.add(server.accept());
            } catch (IOException closed) {
                return;
            }
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    /** How many connections it has accepted (and left unanswered). */
    public int accepted() {
        return held.size();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : held) {
            socket.close();
        }
    }
}
