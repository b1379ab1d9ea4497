package sample.duplicate;

import sample.probe.Probe;
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
        Probe.record("duplicate started");
    }

    @Override
    public void close() {
        Probe.record("closed duplicate");
    }
}
