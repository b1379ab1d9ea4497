package io.consolecms.host.http;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Ends a request whose response could not be written. When a write fails after the head went out (the client reset
 * the connection), jersey-container-jetty-http 4.0.2 neither succeeds nor fails Jetty's callback, so the request
 * stays open: it counts as running forever and makes every graceful stop wait its whole timeout. The first failed
 * write fails the callback here; whatever Jersey does after that is ignored.
 */
final class FailedWriteCompletion extends Handler.Wrapper {

    FailedWriteCompletion(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Once once = new Once(callback);
        return super.handle(request, new Response.Wrapper(request, response) {
            @Override
            public void write(boolean last, ByteBuffer content, Callback written) {
                super.write(last, content, Callback.from(written::succeeded, failure -> {
                    try {
                        written.failed(failure);
                    } finally {
                        once.failed(failure);
                    }
                }));
            }
        }, once);
    }

    /** Completes the request's callback at most once. */
    private static final class Once implements Callback {
        private final Callback callback;
        private final AtomicBoolean done = new AtomicBoolean();

        Once(Callback callback) {
            this.callback = callback;
        }

        @Override
        public void succeeded() {
            if (done.compareAndSet(false, true)) {
                callback.succeeded();
            }
        }

        @Override
        public void failed(Throwable failure) {
            if (done.compareAndSet(false, true)) {
                callback.failed(failure);
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return callback.getInvocationType();
        }
    }
}
