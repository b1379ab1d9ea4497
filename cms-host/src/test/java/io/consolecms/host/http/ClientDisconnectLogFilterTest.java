package io.consolecms.host.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.eclipse.jetty.io.EofException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * What the filter (declared in the test logback configuration too) makes of the failures Jersey logs when it cannot
 * write a response, logged as Jersey logs them: at ERROR, with the exception.
 */
class ClientDisconnectLogFilterTest {

    @RegisterExtension
    final CapturedLog log = new CapturedLog();
    private final Logger jersey = (Logger) LoggerFactory.getLogger("org.glassfish.jersey.server.ServerRuntime$Responder");

    /** The JDK's socket write finding its buffer cleared under Jetty's flusher, as a fuzz run once logged it. */
    private static IllegalArgumentException bufferClearedMidWrite() {
        IllegalArgumentException race = new IllegalArgumentException("newPosition > limit: (262 > 0)");
        race.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("java.nio.Buffer", "position", "Buffer.java", 316),
            new StackTraceElement("sun.nio.ch.IOUtil", "write", "IOUtil.java", 227),
            new StackTraceElement("java.nio.channels.SocketChannel", "write", "SocketChannel.java", 642),
            new StackTraceElement("org.eclipse.jetty.io.SocketChannelEndPoint", "flush", "SocketChannelEndPoint.java",
                    112),
            new StackTraceElement("org.eclipse.jetty.io.WriteFlusher", "flush", "WriteFlusher.java", 461),
        });
        return race;
    }

    @Test
    void aBufferJettyReleasedWhileWritingIsOneWarningLineWithoutStackTrace() {
        jersey.error("An I/O error has occurred while writing a response message entity to the container output"
                + " stream.", new RuntimeException("wrapped", bufferClearedMidWrite()));

        assertThat(log.events()).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getThrowableProxy()).isNull();
            assertThat(event.getFormattedMessage()).contains("a response was lost")
                    .contains("ServerRuntime$Responder").contains("newPosition > limit");
        });
    }

    @Test
    void aClientThatWentAwayIsNotWarnedAbout() {
        jersey.error("An I/O error has occurred while writing a response message entity to the container output"
                + " stream.", new RuntimeException("wrapped", new EofException("reset")));

        assertThat(log.events())
                .noneSatisfy(event -> assertThat(event.getLevel().isGreaterOrEqual(Level.WARN)).isTrue());
    }

    @Test
    void theSameMessageFromElsewhereIsAnErrorWithItsStackTrace() {
        IllegalArgumentException elsewhere = new IllegalArgumentException("newPosition > limit: (3 > 0)");
        jersey.error("An I/O error has occurred while writing a response message entity to the container output"
                + " stream.", elsewhere);

        assertThat(log.events()).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getThrowableProxy()).isNotNull();
        });
    }
}
