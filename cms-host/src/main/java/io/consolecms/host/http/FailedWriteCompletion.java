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
 *
 * <p>Not from inside the write, though: Jetty may fail a write before its {@code write} call returns (the connection
 * was already reset when the head was generated), and failing the request's callback there ends the request and gives
 * its connection's buffers back to the pool while that {@code write} still uses them (it then failed with
 * {@code IllegalArgumentException: newPosition > limit} from a header buffer already cleared, logged with a stack
 * trace). Such a failure is held until the {@code write} call has returned.
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
                WriteInProgress inProgress = new WriteInProgress();
                try {
                    super.write(last, content, Callback.from(written::succeeded, failure -> {
                        try {
                            written.failed(failure);
                        } finally {
                            if (!inProgress.holdFailure(failure)) {
                                once.failed(failure);
                            }
                        }
                    }));
                } finally {
                    Throwable held = inProgress.returned();
                    if (held != null) {
                        once.failed(held);
                    }
                }
            }
        }, once);
    }

    /** One call of {@code write}: whether it has returned, and a failure that came before it did. */
    private static final class WriteInProgress {
        private boolean returned;
        private Throwable held;

        /** Keeps {@code failure} for {@link #returned} if the write has not returned yet; false if it has. */
        synchronized boolean holdFailure(Throwable failure) {
            if (returned) {
                return false;
            }
            held = failure;
            return true;
        }

        /** Says the write returned; answers the failure held meanwhile, or {@code null}. */
        synchronized Throwable returned() {
            returned = true;
            return held;
        }
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
