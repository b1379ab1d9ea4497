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

    /**
     * {@code failure}, or the one of its causes, that is the JDK's socket write finding its buffer cleared while it
     * wrote ({@code IllegalArgumentException: newPosition > limit}) inside Jetty's {@code WriteFlusher}: Jetty gave
     * the connection's buffers back while a response was still being written to it. Seen once in a fuzz run of many
     * thousand malformed requests on a loaded machine, on Jetty 12.1.14; the connection had failed, and the response
     * was lost with it.
     *
     * @return that exception, or {@code null} when none is
     */
    static IllegalArgumentException bufferReleasedMidWrite(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++) {
            if (cause instanceof IllegalArgumentException race && race.getMessage() != null
                    && race.getMessage().startsWith("newPosition > limit")) {
                for (StackTraceElement frame : race.getStackTrace()) {
                    if (frame.getClassName().equals("org.eclipse.jetty.io.WriteFlusher")) {
                        return race;
                    }
                }
            }
            cause = cause.getCause();
        }
        return null;
    }
}
