package io.consolecms.webhooks.collection;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.StringJoiner;

/**
 * The SQL of a listing of webhooks, of its count and of its count by state, in SQL that H2 and PostgreSQL both
 * understand. All three read the index {@code webhooks_by_state (state, created_at, id)}: a range of the states asked,
 * never every webhook (the admin UI lists and counts by state on each load).
 */
final class ListingStatements {

    /**
     * A statement and the values of its parameters, in order.
     *
     * @param sql the SQL, with {@code ?} for each parameter
     * @param parameters strings, integers and longs
     */
    record Select(String sql, List<Object> parameters) {

        /** Binds the parameters to {@code statement}, made from {@link #sql}. */
        void bind(PreparedStatement statement) throws SQLException {
            int index = 1;
            for (Object parameter : parameters) {
                statement.setObject(index++, parameter);
            }
        }
    }

    private ListingStatements() {
    }

    /** The documents of {@code query}'s page, in its order; {@code columns} are the columns read. */
    static Select listing(WebhookQuery query, String columns) {
        StringBuilder sql = new StringBuilder("SELECT ").append(columns).append(" FROM webhooks");
        List<Object> parameters = where(query, sql);
        StringJoiner order = new StringJoiner(", ", " ORDER BY ", "");
        for (WebhookQuery.SortKey key : query.sort()) {
            // CRUD Service (MongoDB) sorts a missing value before any other
            order.add(key.column() + (key.descending() ? " DESC NULLS LAST" : " ASC NULLS FIRST"));
        }
        if (query.sort().isEmpty()) {
            order.add("created_at ASC");
        }
        // ids are unique: a total order, so that pages neither repeat nor skip documents
        order.add("id ASC");
        sql.append(order).append(" LIMIT ? OFFSET ?");
        parameters.add(query.limit());
        parameters.add((long) query.skip());
        return new Select(sql.toString(), parameters);
    }

    /** How many match {@code query}'s filters and states: one row, one number. */
    static Select count(WebhookQuery query) {
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM webhooks");
        List<Object> parameters = where(query, sql);
        return new Select(sql.toString(), parameters);
    }

    /** How many match {@code query}'s filters in each state: rows of (state, count), none for a state with none. */
    static Select countByState(WebhookQuery query) {
        StringBuilder sql = new StringBuilder("SELECT state, COUNT(*) FROM webhooks");
        List<Object> parameters = where(query, sql);
        sql.append(" GROUP BY state");
        return new Select(sql.toString(), parameters);
    }

    private static List<Object> where(WebhookQuery query, StringBuilder sql) {
        List<Object> parameters = new ArrayList<>();
        sql.append(" WHERE state IN (").append(String.join(", ", Collections.nCopies(query.states().size(), "?")))
                .append(')');
        query.states().forEach(state -> parameters.add(state.name()));
        query.filters().forEach((field, value) -> {
            // column names come from a fixed map, never from the request
            sql.append(" AND ").append(WebhookQuery.FILTER_COLUMNS.get(field)).append(" = ?");
            parameters.add(value);
        });
        return parameters;
    }
}
