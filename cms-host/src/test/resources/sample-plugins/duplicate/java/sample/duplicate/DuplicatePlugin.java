package sample.duplicate;

import io.consolecms.host.plugins.PluginProbe;
import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;

/** A second plugin with the id of an earlier one. */
public final class DuplicatePlugin implements Plugin {

    @Override
    public String id() {
        return "greeting";
    }

    @Override
    public void start(PluginContext context) {
        PluginProbe.record("duplicate started");
    }

    @Override
    public void close() {
        PluginProbe.record("closed duplicate");
    }
}
