package io.consolecms.webhooks;

import io.consolecms.plugin.EncryptionKeys;
import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;
import io.consolecms.webhooks.catalog.EventCatalog;
import io.consolecms.webhooks.catalog.EventsResource;
import io.consolecms.webhooks.collection.WebhookSecretResource;
import io.consolecms.webhooks.collection.WebhookStore;
import io.consolecms.webhooks.collection.WebhookValidator;
import io.consolecms.webhooks.collection.WebhooksCollection;
import io.consolecms.webhooks.collection.WebhooksResource;
import io.consolecms.webhooks.delivery.DeliveryModule;
import io.consolecms.webhooks.delivery.http.HttpDeliverySender;
import io.consolecms.webhooks.delivery.http.TargetPolicy;
import io.consolecms.webhooks.secrets.KeyCheck;
import io.consolecms.webhooks.secrets.Resealer;
import io.consolecms.webhooks.secrets.SecretBox;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Events → Webhooks plugin: the collection, the event catalog, and the delivery of matching events. */
public final class WebhooksPlugin implements Plugin {

    private static final Logger LOG = LoggerFactory.getLogger(WebhooksPlugin.class);

    private WebhookValidator validator;
    private DeliveryModule deliveries;
    private ExecutorService resealing;

    @Override
    public String id() {
        return "webhooks";
    }

    @Override
    public void start(PluginContext context) throws Exception {
        EncryptionKeys keys = context.encryptionKeys().orElseThrow(() -> new IllegalStateException(
                "the host offers no key to encrypt webhook secrets at rest: use a host that sets CMS_SECRET_KEY"));
        SecretBox secrets = SecretBox.of(keys);
        SecretBox.activate(secrets);
        Migrations.migrate(context.dataSource());
        Resealer resealer = new Resealer(context.dataSource(), secrets);
        // plain rows of earlier versions are sealed before anything is served; other keys' rows in the background
        resealer.run(true);
        // with the wrong key, one line says so before anything is served (and nothing is sent with it)
        new KeyCheck(context.dataSource(), secrets).run();
        resealing = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "webhooks-reseal");
            thread.setDaemon(true);
            return thread;
        });
        resealing.execute(() -> {
            try {
                resealer.run(false);
            } catch (SQLException | RuntimeException e) {
                LOG.warn("re-sealing webhook secrets under the current key stopped; the next start resumes it: {}",
                        e.toString());
            }
        });
        EventCatalog catalog = EventCatalog.standard();
        WebhookStore webhooks = new WebhookStore(context.dataSource(), secrets);
        validator = new WebhookValidator(catalog);
        context.addCollection(WebhooksCollection.definition());
        deliveries = DeliveryModule.start(context, settings -> {
            // the deny setting adds to the built-in denials; only the allow setting carves exceptions
            TargetPolicy policy = TargetPolicy.parse(settings.allowNetworks(), settings.denyNetworks());
            LOG.info(policy.describe());
            return new HttpDeliverySender(settings.timeout(), policy);
        });
        context.addResource(new WebhooksResource(webhooks, validator, deliveries::targetHealth));
        context.addResource(new WebhookSecretResource(webhooks, validator));
        context.addResource(new EventsResource(catalog));
        context.addUiAssets("io/consolecms/webhooks/ui");
    }

    @Override
    public void close() {
        try {
            if (resealing != null) {
                resealing.shutdownNow();
            }
            if (deliveries != null) {
                deliveries.close();
            }
        } finally {
            if (validator != null) {
                validator.close();
            }
            SecretBox.activate(null);
        }
    }
}
