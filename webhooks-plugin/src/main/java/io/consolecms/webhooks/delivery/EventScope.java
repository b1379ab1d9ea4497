package io.consolecms.webhooks.delivery;

import io.consolecms.plugin.ConsoleEvent;

/**
 * Where an event happened, as webhooks are scoped: its company and its project, either possibly unknown.
 *
 * @param company {@code payload.tenantId}, else {@code payload.companyId}, else {@code payload.resource.companyId}
 * @param project {@code payload.projectId}, else {@code payload.resource.projectId}
 */
record EventScope(String company, String project) {

    static EventScope of(ConsoleEvent event) {
        return new EventScope(
                firstOf(event, "tenantId", "companyId", "resource.companyId"),
                firstOf(event, "projectId", "resource.projectId"));
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
