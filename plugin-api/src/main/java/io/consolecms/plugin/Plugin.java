package io.consolecms.plugin;

/**
 * A CMS plugin, found by {@link java.util.ServiceLoader} in a jar of the host's plugins folder.
 *
 * <p>Implementations need a public no-argument constructor that does no work: everything that can fail belongs in
 * {@link #start}. The host calls the methods of one plugin from one thread at a time.
 */
public interface Plugin extends AutoCloseable {

    /**
     * The plugin's identifier, e.g. {@code webhooks}: lower-case letters, digits and dashes. It names the plugin in
     * {@code GET /api/plugins} and selects its settings: the host gives the plugin the environment variables that
     * start with {@code CMS_<ID>_} (upper-cased, dashes as underscores). Called any number of times, on any thread;
     * must be constant and must not throw.
     */
    String id();

    /**
     * The plugin's version, shown by {@code GET /api/plugins}. By default the {@code Implementation-Version} of the
     * jar's manifest, or {@code "unknown"}. Called any number of times, on any thread; must not throw.
     */
    default String version() {
        Package pkg = getClass().getPackage();
        String version = pkg == null ? null : pkg.getImplementationVersion();
        return version == null ? "unknown" : version;
    }

    /**
     * Starts the plugin. Called once, on the host's start-up thread, before the host serves any request and before
     * any event is published. The plugin reads its settings, prepares its storage and contributes its collections,
     * resources and listeners through {@code context}; what it contributes is used only if this method returns
     * normally.
     *
     * <p>An exception marks the plugin {@code FAILED} with the exception's message as the reason; the host logs it,
     * calls {@link #close()}, and starts without the plugin. It never stops the host.
     *
     * @param context what the host offers this plugin; valid until {@link #close()} returns
     * @throws Exception when the plugin cannot run (bad settings, storage unavailable, …)
     */
    void start(PluginContext context) throws Exception;

    /**
     * Releases what {@link #start} opened: threads, pools, clients. Called once, on the host's shutdown thread, after
     * the host has stopped serving HTTP and publishing events; also called after a failed {@link #start}, so it must
     * cope with a partial start. It should finish within a few seconds. An exception is logged and otherwise ignored.
     */
    @Override
    default void close() throws Exception {
    }
}
