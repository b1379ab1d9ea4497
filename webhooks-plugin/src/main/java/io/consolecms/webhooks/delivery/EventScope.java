package io.consolecms.webhooks.delivery;

import io.consolecms.plugin.ConsoleEvent;
import io.consolecms.webhooks.collection.WebhookInput;
import java.util.regex.Pattern;

/**
 * Where an event happened, as webhooks are scoped: its company and its project, either possibly unknown.
 *
 * <p>A company or project that no webhook can be scoped to (not an identifier, as {@link WebhookInput#IDENTIFIER}
 * asks of a webhook's {@code tenantId} and {@code projectId}) is unknown: no company- or project-scoped webhook can
 * match it either way, and looking it up would fail on PostgreSQL when it holds a NUL character, which PostgreSQL
 * refuses in a statement's text parameters (the event would get a 503 for a value it cannot be delivered for).
 *
 * @param company {@code payload.tenantId}, else {@code payload.companyId}, else {@code payload.resource.companyId}
 * @param project {@code payload.projectId}, else {@code payload.resource.projectId}
 */
record EventScope(String company, String project) {

    private static final Pattern SCOPABLE = Pattern.compile(WebhookInput.IDENTIFIER);

    static EventScope of(ConsoleEvent event) {
        return new EventScope(
                scopable(firstOf(event, "tenantId", "companyId", "resource.companyId")),
                scopable(firstOf(event, "projectId", "resource.projectId")));
    }

    private static String scopable(String value) {
        return value != null && SCOPABLE.matcher(value).matches() ? value : null;
    }

    private static String firstOf(ConsoleEvent event, String... paths) {
        for (String path : paths) {
            String value = event.payloadString(path);
            if (value != null && !value.isEmpty()) {
                return value;
            }
        }
        return null;
    }
}
