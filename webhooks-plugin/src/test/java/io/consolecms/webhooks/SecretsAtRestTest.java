package io.consolecms.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import io.consolecms.plugin.CollectionDefinition;
import io.consolecms.plugin.ConsoleEvent;
import io.consolecms.plugin.EncryptionKeys;
import io.consolecms.plugin.EventListener;
import io.consolecms.plugin.EventPublisher;
import io.consolecms.plugin.PluginContext;
import io.consolecms.plugin.PluginSettings;
import io.consolecms.webhooks.collection.Webhook;
import io.consolecms.webhooks.collection.WebhookState;
import io.consolecms.webhooks.collection.WebhookStore;
import io.consolecms.webhooks.secrets.SecretBox;
import io.consolecms.webhooks.secrets.TestKeys;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The webhook's secret and proxy credentials at rest: sealed in the database file, opened only to deliver. */
class SecretsAtRestTest {

    private static final String SECRET = "s3cr3t-known-to-the-test";
    private static final String PROXY_PASSWORD = "pr0xy-pa55word";
    private static final String PROXY = "http://proxy-user:" + PROXY_PASSWORD + "@proxy.example:3128";

    @TempDir
    Path folder;
    private JdbcDataSource database;
    private HttpServer receiver;
    private final List<String> signatures = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    @BeforeEach
    void openDatabaseAndReceiver() throws Exception {
        database = new JdbcDataSource();
        database.setURL("jdbc:h2:file:" + folder.resolve("cms") + ";DB_CLOSE_ON_EXIT=FALSE");
        database.setUser("sa");
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            bodies.add(new String(body, StandardCharsets.UTF_8));
            signatures.add(exchange.getRequestHeaders().getFirst("X-Mia-Signature") + " "
                    + sha256Hex(body, SECRET));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void neitherTheSecretNorTheProxyPasswordIsInTheDatabaseFile() throws Exception {
        EncryptionKeys keys = TestKeys.keys();
        Migrations.migrate(database);
        WebhookStore store = new WebhookStore(database, SecretBox.of(keys));
        store.insert(webhook("w1", SECRET, PROXY));
        assertThat(store.find("w1", java.util.Set.of(WebhookState.PUBLIC)).orElseThrow().secret()).isEqualTo(SECRET);
        shutdown();

        byte[] file = Files.readAllBytes(folder.resolve("cms.mv.db"));
        for (String plain : List.of(SECRET, PROXY_PASSWORD)) {
            for (var charset : List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
                assertThat(indexOf(file, plain.getBytes(charset))).as(plain + " in " + charset).isEqualTo(-1);
            }
        }
        assertThat(indexOf(file, SecretBox.PREFIX.getBytes(StandardCharsets.UTF_8))).isNotEqualTo(-1);
    }

    @Test
    void plainRowsOfThePreviousSchemaAreSealedAtStartAndStillSignedWithTheirSecret() throws Exception {
        Flyway.configure(Migrations.class.getClassLoader()).dataSource(database).table(Migrations.HISTORY_TABLE)
                .locations("classpath:io/consolecms/webhooks/db").target("3").load().migrate();
        insertPlain("old", SECRET, null);

        Context context = new Context(TestKeys.keys());
        try (WebhooksPlugin plugin = new WebhooksPlugin()) {
            plugin.start(context);
            assertThat(stored("old", "secret")).startsWith(SecretBox.PREFIX + context.keys.current().id() + ":")
                    .doesNotContain(SECRET);
            publish(context);
            await().atMost(Duration.ofSeconds(20)).until(() -> !signatures.isEmpty());
        }
        String[] sentAndExpected = signatures.get(0).split(" ");
        assertThat(sentAndExpected[0]).isEqualTo(sentAndExpected[1]);
    }

    @Test
    void withTheWrongKeyTheStartSaysSoInOneLineAndTheDeliveriesAreNotSent() throws Exception {
        Migrations.migrate(database);
        EncryptionKeys before = TestKeys.keys();
        new WebhookStore(database, SecretBox.of(before)).insert(webhook("w2", SECRET, null));
        new WebhookStore(database, SecretBox.of(before)).insert(webhook("w3", null, PROXY));
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        Context context = new Context(TestKeys.keys());
        try (WebhooksPlugin plugin = new WebhooksPlugin()) {
            plugin.start(context);
            List<ILoggingEvent> atStart = errors(log);
            assertThat(atStart).hasSize(1);
            assertThat(atStart.get(0).getLoggerName()).endsWith("KeyCheck");
            publish(context);
            publish(context);
            await().atMost(Duration.ofSeconds(20)).until(() -> count("status = 'failed'") == 4);
        } finally {
            root.detachAppender(log);
        }
        assertThat(bodies).isEmpty();
        assertThat(stored("w2", "secret")).startsWith(SecretBox.PREFIX);
        try (Connection connection = database.getConnection();
             ResultSet rows = connection.createStatement().executeQuery("SELECT last_error FROM webhook_deliveries")) {
            while (rows.next()) {
                assertThat(rows.getString(1)).contains("cannot be decrypted with the configured CMS_SECRET_KEY");
            }
        }
        // one line, at start, naming the problem and the key id, never a key nor a value
        List<ILoggingEvent> errors = errors(log);
        assertThat(errors).hasSize(1);
        String line = errors.get(0).getFormattedMessage();
        assertThat(line).startsWith("wrong key:").contains("2 webhooks", "CMS_SECRET_KEY", before.current().id())
                .doesNotContain(SECRET, PROXY_PASSWORD, "proxy-user", "\n");
        for (EncryptionKeys.Key key : List.of(before.current(), context.keys.current())) {
            assertThat(line).doesNotContain(java.util.Base64.getEncoder().encodeToString(key.bytes()),
                    HexFormat.of().formatHex(key.bytes()));
        }
        assertThat(log.list).noneMatch(event -> event.getThrowableProxy() != null);
    }

    @Test
    void withTheRightKeyTheStartLogsNoError() throws Exception {
        Migrations.migrate(database);
        EncryptionKeys keys = TestKeys.keys();
        new WebhookStore(database, SecretBox.of(keys)).insert(webhook("w4", SECRET, PROXY));
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        try (WebhooksPlugin plugin = new WebhooksPlugin()) {
            plugin.start(new Context(keys));
        } finally {
            root.detachAppender(log);
        }
        assertThat(errors(log)).isEmpty();
    }

    private static List<ILoggingEvent> errors(ListAppender<ILoggingEvent> log) {
        return log.list.stream().filter(event -> event.getLevel() == ch.qos.logback.classic.Level.ERROR).toList();
    }

    private Webhook webhook(String id, String secret, String proxy) {
        return new Webhook(id, null, null, "project_created", "http://127.0.0.1:" + receiver.getAddress().getPort()
                + "/hook", null, secret, proxy, WebhookState.PUBLIC, 1, 1, "test", "test", null, null, null);
    }

    private void insertPlain(String id, String secret, String proxy) throws Exception {
        try (Connection connection = database.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO webhooks (id, event_name, target,"
                     + " secret, proxy_url, state, created_at, updated_at, creator_id, updater_id)"
                     + " VALUES (?, 'project_created', ?, ?, ?, 'PUBLIC', 1, 1, 'v3', 'v3')")) {
            insert.setString(1, id);
            insert.setString(2, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
            insert.setString(3, secret);
            insert.setString(4, proxy);
            insert.executeUpdate();
        }
    }

    private String stored(String id, String column) throws Exception {
        try (Connection connection = database.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT " + column + " FROM webhooks WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    private long count(String where) throws Exception {
        try (Connection connection = database.getConnection();
             ResultSet rows = connection.createStatement().executeQuery(
                     "SELECT COUNT(*) FROM webhook_deliveries WHERE " + where)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void publish(Context context) throws Exception {
        String json = "{\"eventName\":\"project_created\",\"eventTimestamp\":1732780800000,\"payload\":{}}";
        ConsoleEvent event = new ConsoleEvent(ObjectId.next(), "project_created", 1732780800000L, Map.of(),
                json.getBytes(StandardCharsets.UTF_8));
        for (EventListener listener : context.listeners) {
            listener.onEvent(event);
        }
    }

    private void shutdown() throws Exception {
        try (Connection connection = database.getConnection()) {
            connection.createStatement().execute("SHUTDOWN");
        }
    }

    private static String sha256Hex(byte[] body, String secret) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(body);
            sha256.update(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The host's side of a start, with loopback targets allowed and one attempt per delivery. */
    private final class Context implements PluginContext {
        final EncryptionKeys keys;
        final List<EventListener> listeners = new ArrayList<>();
        private final PluginSettings settings = PluginSettings.forPlugin("webhooks", Map.of(
                "CMS_WEBHOOKS_ALLOW_NETWORKS", "127.0.0.0/8", "CMS_WEBHOOKS_RETRY_SCHEDULE", ""));

        Context(EncryptionKeys keys) {
            this.keys = keys;
        }

        @Override
        public Optional<EncryptionKeys> encryptionKeys() {
            return Optional.of(keys);
        }

        @Override
        public PluginSettings settings() {
            return settings;
        }

        @Override
        public javax.sql.DataSource dataSource() {
            return database;
        }

        @Override
        public void addCollection(CollectionDefinition collection) {
        }

        @Override
        public void addResource(Object resource) {
        }

        @Override
        public void addEventListener(EventListener listener) {
            listeners.add(listener);
        }

        @Override
        public void addUiAssets(String classpathFolder) {
        }

        @Override
        public EventPublisher events() {
            return json -> {
                throw new EventPublisher.InvalidEventException("no events in this test");
            };
        }
    }
}
