package io.consolecms.host.http;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Reads and discards what is left of a request's body once its answer is written, before the request ends: a lingering
 * close, as nginx and Apache do. An endpoint that answers without reading the whole body (a {@code GET} sent with
 * one, a 401, a 404, a 413 past the first megabyte) otherwise has Jetty close a connection with bytes still unread,
 * and the kernel then resets it: a client still writing, or one whose last bytes were not read yet, loses the answer
 * that was already on its way. Up to {@link #MAX_DISCARDED} bytes are read, holding no thread (the reads wait on
 * demand); a body declared longer is not read at all, and a client that stops sending meets the idle timeout. A request
 * that said {@code Expect: 100-continue} and was answered before its body was asked for ends without waiting for that
 * body (HttpApiTest shows it).
 */
final class UnreadBodyDrain extends Handler.Wrapper {

    /** Eight times the largest event, so that a 413 for an event reaches any client that sends it whole. */
    static final long MAX_DISCARDED = 8L * 1024 * 1024;

    UnreadBodyDrain(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return super.handle(request, response, new Callback() {
            @Override
            public void succeeded() {
                if (request.getLength() > MAX_DISCARDED) {
                    callback.succeeded();
                } else {
                    new Drain(request, callback).run();
                }
            }

            @Override
            public void failed(Throwable failure) {
                callback.failed(failure);
            }

            @Override
            public InvocationType getInvocationType() {
                return callback.getInvocationType();
            }
        });
    }

    /** Reads chunks until the body ends, fails or passes the bound, then ends the request. */
    private static final class Drain implements Runnable {
        private final Request request;
        private final Callback callback;
        private long left = MAX_DISCARDED;

        Drain(Request request, Callback callback) {
            this.request = request;
            this.callback = callback;
        }

        @Override
        public void run() {
            while (true) {
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return;
                }
                // The answer is written: a body cut off or failed changes nothing about it.
                boolean done = Content.Chunk.isFailure(chunk) || chunk.isLast();
                left -= chunk.remaining();
                chunk.release();
                if (done || left < 0) {
                    callback.succeeded();
                    return;
                }
            }
        }
    }
}
