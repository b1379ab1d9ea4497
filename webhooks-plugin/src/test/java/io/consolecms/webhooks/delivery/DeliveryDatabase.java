package io.consolecms.webhooks.delivery;

import io.consolecms.webhooks.Migrations;
import io.consolecms.webhooks.ObjectId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** A fresh, migrated in-memory database with helpers to put webhooks in and read deliveries out. */
final class DeliveryDatabase {

    final DataSource dataSource;

    /** A fresh H2 in-memory database. */
    DeliveryDatabase() {
        this(h2());
    }

    /** Any empty database, e.g. a PostgreSQL one; migrated here. */
    DeliveryDatabase(DataSource empty) {
        Migrations.migrate(empty);
        this.dataSource = empty;
    }

    private static DataSource h2() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    /** A webhook as the collection stores it, built fluently then inserted. */
    WebhookRow webhook(String eventName, String target) {
        return new WebhookRow(eventName, target);
    }

    final class WebhookRow {
        private final String eventName;
        private final String target;
        private String tenantId;
        private String projectId;
        private String state = "PUBLIC";
        private String secret;

        private WebhookRow(String eventName, String target) {
            this.eventName = eventName;
            this.target = target;
        }

        WebhookRow tenant(String value) {
            tenantId = value;
            return this;
        }

        WebhookRow project(String value) {
            projectId = value;
            return this;
        }

        WebhookRow state(String value) {
            state = value;
            return this;
        }

        WebhookRow secret(String value) {
            secret = value;
            return this;
        }

        /** Inserts it and answers its id. */
        String insert() {
            String id = ObjectId.next();
            update("INSERT INTO webhooks (id, tenant_id, project_id, event_name, target, secret, state, created_at,"
                    + " updated_at, creator_id, updater_id) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 'test', 'test')",
                    id, tenantId, projectId, eventName, target, secret, state);
            return id;
        }
    }

    int update(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException failure) {
            throw new IllegalStateException(failure);
        }
    }

    List<Map<String, Object>> rows(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= columns; c++) {
                        row.put(result.getMetaData().getColumnLabel(c).toLowerCase(), result.getObject(c));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException failure) {
            throw new IllegalStateException(failure);
        }
    }

    /** The webhook ids that got a delivery of an event. */
    List<String> deliveredWebhooks(String eventId) {
        return rows("SELECT webhook_id FROM webhook_deliveries WHERE event_id = ? ORDER BY webhook_id", eventId)
                .stream().map(row -> (String) row.get("webhook_id")).toList();
    }

    Map<String, Object> delivery(String deliveryId) {
        return rows("SELECT * FROM webhook_deliveries WHERE id = ?", deliveryId).get(0);
    }

    Map<String, Object> webhookRow(String webhookId) {
        return rows("SELECT * FROM webhooks WHERE id = ?", webhookId).get(0);
    }

    List<Map<String, Object>> deliveriesOf(String webhookId) {
        return rows("SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at, id", webhookId);
    }

    List<Map<String, Object>> attemptsOf(String deliveryId) {
        return rows("SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempt_no", deliveryId);
    }
}
