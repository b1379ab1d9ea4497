package io.consolecms.host.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokensTest {

    private final Tokens tokens = new Tokens("admin-secret-value-1234", "from CMS_ADMIN_TOKEN",
            "core-secret-value-56789", "/data/core-token");

    @Test
    void tellsTheRoleOfEachToken() {
        assertThat(tokens.roleOf("admin-secret-value-1234")).contains(Role.ADMIN);
        assertThat(tokens.roleOf("core-secret-value-56789")).contains(Role.CORE);
    }

    @Test
    void knowsTheMetricsTokenOnlyWhenSet() {
        Tokens withMetrics = new Tokens("admin-secret-value-1234", "from CMS_ADMIN_TOKEN", "core-secret-value-56789",
                "/data/core-token", Optional.of("metrics-secret-value-0"));
        assertThat(withMetrics.roleOf("metrics-secret-value-0")).contains(Role.METRICS);
        assertThat(withMetrics.roleOf("admin-secret-value-1234")).contains(Role.ADMIN);
        assertThat(tokens.roleOf("metrics-secret-value-0")).isEmpty();
        assertThat(Role.METRICS.maySeeMetrics()).isTrue();
        assertThat(Role.ADMIN.maySeeMetrics()).isTrue();
        assertThat(Role.CORE.maySeeMetrics()).isFalse();
    }

    @Test
    void knowsNoOtherToken() {
        assertThat(tokens.roleOf("admin-secret-value-123")).isEmpty();
        assertThat(tokens.roleOf("")).isEmpty();
    }

    @Test
    void neverShowsAToken() {
        assertThat(tokens.toString()).doesNotContain("secret").contains("from CMS_ADMIN_TOKEN", "/data/core-token");
    }
}
