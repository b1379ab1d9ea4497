package io.consolecms.host.http;

import org.eclipse.jetty.io.EofException;

/** Recognises the failure of a request whose client closed or reset its connection: its end, not a host error. */
final class ClientDisconnect {

    private static final int MAX_DEPTH = 16;

    private ClientDisconnect() {
    }

    /**
     * Whether {@code failure}, or one of its causes, is Jetty's word for a connection the other end closed: a body
     * cut short, or a response written to a closed or reset socket.
     */
    static boolean isCause(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++) {
            if (cause instanceof EofException) {
                return true;
            }
            cause = cause.getCause();
        }
        return false;
    }
}
