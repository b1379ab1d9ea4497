package io.consolecms.it.host;

import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;

/** A plugin whose start always fails; packed into a jar by {@link PluginJars} for the host process to load. */
public final class ThrowingPlugin implements Plugin {

    static final String REASON = "the throwing plugin refuses to start";

    @Override
    public String id() {
        return "throwing";
    }

    @Override
    public void start(PluginContext context) {
        throw new IllegalStateException(REASON);
    }
}
