package io.consolecms.webhooks;

import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;
import io.consolecms.webhooks.catalog.EventCatalog;
import io.consolecms.webhooks.catalog.EventsResource;
import io.consolecms.webhooks.collection.WebhookStore;
import io.consolecms.webhooks.collection.WebhookValidator;
import io.consolecms.webhooks.collection.WebhooksCollection;
import io.consolecms.webhooks.collection.WebhooksResource;

/** The Events → Webhooks plugin. */
public final class WebhooksPlugin implements Plugin {

    private WebhookValidator validator;

    @Override
    public String id() {
        return "webhooks";
    }

    @Override
    public void start(PluginContext context) {
        Migrations.migrate(context.dataSource());
        EventCatalog catalog = EventCatalog.standard();
        WebhookStore webhooks = new WebhookStore(context.dataSource());
        validator = new WebhookValidator(catalog);
        context.addCollection(WebhooksCollection.definition());
        context.addResource(new WebhooksResource(webhooks, validator));
        context.addResource(new EventsResource(catalog));
        context.addUiAssets("io/consolecms/webhooks/ui");
    }

    @Override
    public void close() {
        if (validator != null) {
            validator.close();
        }
    }
}
