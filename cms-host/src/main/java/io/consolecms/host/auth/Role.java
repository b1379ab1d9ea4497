package io.consolecms.host.auth;

import java.util.Locale;

/**
 * Who presents a bearer token: an administrator, Console core publishing events, or a monitoring system scraping
 * {@code GET /metrics} (only when {@code CMS_METRICS_TOKEN} is set).
 */
public enum Role {
    ADMIN,
    CORE,
    METRICS;

    /** Whether this role may read {@code GET /metrics}: administrators and the metrics token. */
    public boolean maySeeMetrics() {
        return this == ADMIN || this == METRICS;
    }

    /** The user principal's name in the request's security context: {@code admin} or {@code core}. */
    public String principalName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
