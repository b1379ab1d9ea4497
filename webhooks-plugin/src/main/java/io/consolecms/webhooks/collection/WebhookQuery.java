package io.consolecms.webhooks.collection;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A listing of webhooks, from the query parameters CRUD Service takes: {@code _l}, {@code _sk}, {@code _s},
 * {@code _st} and {@code <field>=<value>} equality filters.
 *
 * @param filters field name to the value it must equal
 * @param states the states listed
 * @param sort the sort keys, most significant first
 * @param limit how many documents at most
 * @param skip how many matching documents to skip first
 */
record WebhookQuery(Map<String, String> filters, Set<WebhookState> states, List<SortKey> sort, int limit, int skip) {

    static final int DEFAULT_LIMIT = 200;
    static final int MAX_LIMIT = 1000;

    /** The fields a filter may name, to their column. */
    static final Map<String, String> FILTER_COLUMNS = Map.of("_id", "id", "tenantId", "tenant_id", "projectId",
            "project_id", "eventName", "event_name", "target", "target", "creatorId", "creator_id", "updaterId",
            "updater_id");

    /** The fields a listing may be sorted by, to their column. */
    static final Map<String, String> SORT_COLUMNS = Map.of("_id", "id", "eventName", "event_name", "target", "target",
            "tenantId", "tenant_id", "projectId", "project_id", "createdAt", "created_at", "updatedAt", "updated_at",
            "__STATE__", "state");

    /**
     * One sort key.
     *
     * @param column the column
     * @param descending whether larger values come first
     */
    record SortKey(String column, boolean descending) {
    }

    /**
     * The query of {@code parameters} (each name to all its values), or every problem: an unknown parameter, one
     * given twice, a value out of range.
     */
    static Checked<WebhookQuery> read(Map<String, List<String>> parameters) {
        List<FieldError> errors = new ArrayList<>();
        Map<String, String> filters = new LinkedHashMap<>();
        Set<WebhookState> states = WebhookState.LISTED_BY_DEFAULT;
        List<SortKey> sort = List.of();
        int limit = DEFAULT_LIMIT;
        int skip = 0;
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            String name = parameter.getKey();
            if (parameter.getValue().size() != 1) {
                WebhookFieldsReader.add(errors, name, "must be given once");
                continue;
            }
            String value = parameter.getValue().get(0);
            switch (name) {
                case "_l" -> limit = number(name, value, 1, MAX_LIMIT, DEFAULT_LIMIT, errors);
                case "_sk" -> skip = number(name, value, 0, Integer.MAX_VALUE, 0, errors);
                case "_s" -> sort = sort(value, errors);
                case "_st" -> states = states(value, errors);
                default -> {
                    if (!FILTER_COLUMNS.containsKey(name)) {
                        WebhookFieldsReader.add(errors, name, "is not a supported query parameter; use _l, _sk, _s, _st "
                                + "or one of " + String.join(", ", FILTER_COLUMNS.keySet().stream().sorted().toList()));
                    } else if (value.indexOf('\0') >= 0) {
                        WebhookFieldsReader.add(errors, name, "must not contain the NUL character");
                    } else {
                        filters.put(name, value);
                    }
                }
            }
        }
        return errors.isEmpty() ? Checked.of(new WebhookQuery(filters, states, sort, limit, skip))
                : Checked.failed(errors);
    }

    /**
     * The filters and states of a count by state: {@code _st} (every state but DELETED when absent) and
     * {@code <field>=<value>}; paging and sorting mean nothing to a count, so {@code _l}, {@code _sk} and {@code _s}
     * are refused rather than ignored.
     */
    static Checked<WebhookQuery> readCounting(Map<String, List<String>> parameters) {
        List<FieldError> errors = new ArrayList<>();
        for (String name : List.of("_l", "_sk", "_s")) {
            if (parameters.containsKey(name)) {
                WebhookFieldsReader.add(errors, name, "is not a supported query parameter of a count; use _st or "
                        + "field filters");
            }
        }
        Checked<WebhookQuery> read = read(parameters);
        if (!read.ok()) {
            errors.addAll(read.errors());
        }
        if (!errors.isEmpty()) {
            return Checked.failed(errors);
        }
        WebhookQuery query = read.value();
        Set<WebhookState> states = parameters.containsKey("_st") ? query.states() : WebhookState.FOUND_BY_DEFAULT;
        return Checked.of(new WebhookQuery(query.filters(), states, List.of(), query.limit(), 0));
    }

    /** The states named by {@code _st} alone, or {@code fallback} when it is absent; any other parameter is wrong. */
    static Checked<Set<WebhookState>> readStates(Map<String, List<String>> parameters, Set<WebhookState> fallback) {
        List<FieldError> errors = new ArrayList<>();
        Set<WebhookState> states = fallback;
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            if (!parameter.getKey().equals("_st")) {
                WebhookFieldsReader.add(errors, parameter.getKey(), "is not a supported query parameter here; use _st");
            } else if (parameter.getValue().size() != 1) {
                WebhookFieldsReader.add(errors, "_st", "must be given once");
            } else {
                states = states(parameter.getValue().get(0), errors);
            }
        }
        return errors.isEmpty() ? Checked.of(states) : Checked.failed(errors);
    }

    private static int number(String name, String value, int min, int max, int fallback, List<FieldError> errors) {
        try {
            int number = Integer.parseInt(value.trim());
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        WebhookFieldsReader.add(errors, name, max == Integer.MAX_VALUE
                ? "must be a whole number of at least " + min
                : "must be a whole number from " + min + " to " + max);
        return fallback;
    }

    private static List<SortKey> sort(String value, List<FieldError> errors) {
        List<SortKey> keys = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String field = part.trim();
            boolean descending = field.startsWith("-");
            String name = descending ? field.substring(1) : field.startsWith("+") ? field.substring(1) : field;
            String column = SORT_COLUMNS.get(name);
            if (column == null) {
                WebhookFieldsReader.add(errors, "_s", "cannot sort by '" + bounded(name) + "'; use a comma list of "
                        + String.join(", ", SORT_COLUMNS.keySet().stream().sorted().toList())
                        + ", each optionally preceded by - for descending order");
                return List.of();
            }
            keys.add(new SortKey(column, descending));
        }
        return keys;
    }

    private static Set<WebhookState> states(String value, List<FieldError> errors) {
        Set<WebhookState> states = EnumSet.noneOf(WebhookState.class);
        for (String part : value.split(",", -1)) {
            var state = WebhookState.named(part.trim());
            if (state.isEmpty()) {
                WebhookFieldsReader.add(errors, "_st", "must be a comma list of PUBLIC, DRAFT, TRASH and DELETED");
                return WebhookState.LISTED_BY_DEFAULT;
            }
            states.add(state.get());
        }
        return states;
    }

    private static String bounded(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
