package io.consolecms.host.plugins;

/** Whether a plugin runs. */
public enum PluginState {
    /** Its {@code start} returned; its contributions are in use. */
    STARTED,
    /** It could not be loaded or started; its contributions were discarded. */
    FAILED
}
