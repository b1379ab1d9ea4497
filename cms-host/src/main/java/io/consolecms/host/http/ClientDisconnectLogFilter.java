package io.consolecms.host.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Keeps client disconnects out of the log as stack traces. Jersey logs a response it could not write at SEVERE with
 * the exception, whatever the reason; when the reason is a client that went away (a load generator stopping, a browser
 * tab closed) this drops that event and logs one line at DEBUG instead. When the reason is Jetty giving back the
 * buffers of a failed connection while the response was being written to it ({@link
 * ClientDisconnect#bufferReleasedMidWrite}), it logs one line at WARN: the response was lost with its connection,
 * and the stack trace would only show Jetty's internals. Declared in {@code logback.xml}.
 */
public final class ClientDisconnectLogFilter extends TurboFilter {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(ClientDisconnectLogFilter.class);

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable failure) {
        if (failure == null) {
            return FilterReply.NEUTRAL;
        }
        if (ClientDisconnect.isCause(failure)) {
            LOG.debug("client went away ({}): {}", logger.getName(), failure.toString());
            return FilterReply.DENY;
        }
        IllegalArgumentException race = ClientDisconnect.bufferReleasedMidWrite(failure);
        if (race != null) {
            LOG.warn("a response was lost: the HTTP server released its connection's buffers while writing it ({}): {}",
                    logger.getName(), race.toString());
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
