package io.consolecms.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.consolecms.plugin.CollectionDefinition;
import io.consolecms.plugin.EventListener;
import io.consolecms.plugin.EventPublisher;
import io.consolecms.plugin.Plugin;
import io.consolecms.plugin.PluginContext;
import io.consolecms.plugin.PluginSettings;
import io.consolecms.webhooks.catalog.EventsResource;
import io.consolecms.webhooks.collection.WebhooksResource;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

class WebhooksPluginTest {

    @Test
    void isDiscoverableByTheHost() {
        assertThat(ServiceLoader.load(Plugin.class, getClass().getClassLoader()).stream()
                .map(ServiceLoader.Provider::type)).contains(WebhooksPlugin.class);
    }

    @Test
    void migratesItsTablesAndContributesTheCollectionItsResourcesAndItsUiAssets() throws Exception {
        RecordingContext context = new RecordingContext();
        try (WebhooksPlugin plugin = new WebhooksPlugin()) {
            plugin.start(context);
            assertThat(context.collections).extracting(CollectionDefinition::name).contains("webhooks");
            assertThat(context.resources).hasAtLeastOneElementOfType(WebhooksResource.class)
                    .hasAtLeastOneElementOfType(EventsResource.class);
            assertThat(context.uiAssets).contains("io/consolecms/webhooks/ui");
            assertThat(getClass().getClassLoader().getResource("io/consolecms/webhooks/ui/webhooks-ui.js")).isNotNull();
            try (Connection connection = context.dataSource.getConnection()) {
                connection.createStatement().executeQuery("SELECT COUNT(*) FROM webhooks").close();
            }
        }
    }

    /** The host's side of a start, recorded. */
    private static final class RecordingContext implements PluginContext {
        final JdbcDataSource dataSource = new JdbcDataSource();
        final List<CollectionDefinition> collections = new ArrayList<>();
        final List<Object> resources = new ArrayList<>();
        final List<String> uiAssets = new ArrayList<>();

        RecordingContext() {
            dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        }

        @Override
        public java.util.Optional<io.consolecms.plugin.EncryptionKeys> encryptionKeys() {
            return java.util.Optional.of(io.consolecms.webhooks.secrets.TestKeys.keys());
        }

        @Override
        public PluginSettings settings() {
            return PluginSettings.forPlugin("webhooks", Map.of());
        }

        @Override
        public DataSource dataSource() {
            return dataSource;
        }

        @Override
        public void addCollection(CollectionDefinition collection) {
            collections.add(collection);
        }

        @Override
        public void addResource(Object resource) {
            resources.add(resource);
        }

        @Override
        public void addEventListener(EventListener listener) {
        }

        @Override
        public void addUiAssets(String classpathFolder) {
            uiAssets.add(classpathFolder);
        }

        @Override
        public EventPublisher events() {
            return json -> {
                throw new EventPublisher.InvalidEventException("no events in this test");
            };
        }
    }
}
