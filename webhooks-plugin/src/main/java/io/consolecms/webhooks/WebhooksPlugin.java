package io.consolecms.webhooks;

import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;
import io.consolecms.webhooks.catalog.EventCatalog;
import io.consolecms.webhooks.catalog.EventsResource;
import io.consolecms.webhooks.collection.WebhookStore;
import io.consolecms.webhooks.collection.WebhookValidator;
import io.consolecms.webhooks.collection.WebhooksCollection;
import io.consolecms.webhooks.collection.WebhooksResource;
import io.consolecms.webhooks.delivery.DeliveryModule;
import io.consolecms.webhooks.delivery.http.HttpDeliverySender;
import io.consolecms.webhooks.delivery.http.TargetPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Events → Webhooks plugin: the collection, the event catalog, and the delivery of matching events. */
public final class WebhooksPlugin implements Plugin {

    private static final Logger LOG = LoggerFactory.getLogger(WebhooksPlugin.class);

    private WebhookValidator validator;
    private DeliveryModule deliveries;

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
        deliveries = DeliveryModule.start(context, settings -> {
            // the deny setting adds to the built-in denials; only the allow setting carves exceptions
            TargetPolicy policy = TargetPolicy.parse(settings.allowNetworks(), settings.denyNetworks());
            LOG.info(policy.describe());
            return new HttpDeliverySender(settings.timeout(), policy);
        });
    }

    @Override
    public void close() {
        try {
            if (deliveries != null) {
                deliveries.close();
            }
        } finally {
            if (validator != null) {
                validator.close();
            }
        }
    }
}
