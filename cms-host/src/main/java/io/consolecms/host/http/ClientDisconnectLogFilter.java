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
 * tab closed) this drops that event and logs one line at DEBUG instead. Declared in {@code logback.xml}.
 */
public final class ClientDisconnectLogFilter extends TurboFilter {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(ClientDisconnectLogFilter.class);

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable failure) {
        if (failure == null || !ClientDisconnect.isCause(failure)) {
            return FilterReply.NEUTRAL;
        }
        LOG.debug("client went away ({}): {}", logger.getName(), failure.toString());
        return FilterReply.DENY;
    }
}
