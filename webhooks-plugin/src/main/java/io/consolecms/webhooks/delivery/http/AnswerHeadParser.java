package io.consolecms.webhooks.delivery.http;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hc.client5.http.impl.io.LenientHttpResponseParser;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.SessionInputBuffer;
import org.apache.hc.core5.util.CharArrayBuffer;

/**
 * Reads the head of an answer, a receiver's or a proxy's to CONNECT, within the bounds of {@link #LIMITS}, and says
 * which bound an answer broke. A receiver that streams an endless line or endless headers is cut off once it passes
 * them, so what it sends costs a few kilobytes of memory, not what it chooses.
 *
 * <p>One parser per connection (the connection factory asks for it), used by the thread that holds the connection.
 */
final class AnswerHeadParser extends LenientHttpResponseParser {

    static final int MAX_LINE_LENGTH = 8 * 1024;
    static final int MAX_HEADER_COUNT = 100;

    /**
     * The limits of every connection. httpcore refuses a head once it holds {@code maxHeaderCount} headers, hence the
     * one more.
     */
    static final Http1Config LIMITS = Http1Config.custom()
            .setMaxLineLength(MAX_LINE_LENGTH)
            .setMaxHeaderCount(MAX_HEADER_COUNT + 1)
            .build();

    private boolean statusLineRead;

    private AnswerHeadParser() {
        super(LIMITS);
    }

    /**
     * Makes the connections of the pool, tunnels through a proxy included: each reads answers with this parser. The
     * factory's {@code http1Config} bounds the line length of its input buffer, but httpcore asks the parser factory
     * for a parser without it (the header count would be the library default), so the parser holds {@link #LIMITS}
     * itself.
     */
    static ManagedHttpClientConnectionFactory connectionFactory() {
        return ManagedHttpClientConnectionFactory.builder()
                .http1Config(LIMITS)
                .responseParserFactory(ignored -> new AnswerHeadParser())
                .build();
    }

    @Override
    public ClassicHttpResponse parse(SessionInputBuffer buffer, InputStream in) throws IOException, HttpException {
        statusLineRead = false;
        try {
            return super.parse(buffer, in);
        } catch (TooLarge tooLarge) {
            throw tooLarge;
        } catch (MessageConstraintException exceeded) {
            throw new TooLarge(what(exceeded), exceeded);
        }
    }

    @Override
    protected ClassicHttpResponse createMessage(CharArrayBuffer line) throws IOException {
        ClassicHttpResponse response = super.createMessage(line);
        statusLineRead |= response != null;
        return response;
    }

    /** httpcore says which limit, not which line: whether the status line was read tells a status from a header. */
    private String what(MessageConstraintException exceeded) {
        String message = String.valueOf(exceeded.getMessage());
        if (message.contains("header count")) {
            return "more than " + MAX_HEADER_COUNT + " headers";
        }
        if (message.contains("line length")) {
            return (statusLineRead ? "a header line" : "a status line") + " longer than " + MAX_LINE_LENGTH + " bytes";
        }
        return "a head that breaks a limit (" + message + ")";
    }

    /** An answer head that broke a limit; its message is what it had too much of, e.g. "more than 100 headers". */
    static final class TooLarge extends MessageConstraintException {

        TooLarge(String what, MessageConstraintException cause) {
            super(what);
            initCause(cause);
        }
    }
}
