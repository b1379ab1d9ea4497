package io.consolecms.host;

import io.consolecms.plugin.PluginSettings.InvalidSettingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Starts the host from environment variables; SIGTERM stops it cleanly with exit code 0. */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        CmsHost host;
        try {
            host = CmsHost.start(System.getenv());
        } catch (InvalidSettingException e) {
            System.err.println("cms-host: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            LOG.error("cannot start", e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                host.close();
            } catch (RuntimeException e) {
                LOG.error("error while stopping", e);
            } finally {
                // A stop on SIGTERM is the normal end of the host, not a failure: exit 0, not 143.
                Runtime.getRuntime().halt(0);
            }
        }, "shutdown"));
    }
}
