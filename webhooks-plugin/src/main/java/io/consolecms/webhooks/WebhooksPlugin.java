package io.consolecms.webhooks;

import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;

/** The Events → Webhooks plugin. */
public final class WebhooksPlugin implements Plugin {

    @Override
    public String id() {
        return "webhooks";
    }

    @Override
    public void start(PluginContext context) {
    }
}
