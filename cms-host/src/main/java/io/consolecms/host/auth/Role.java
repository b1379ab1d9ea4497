package io.consolecms.host.auth;

import java.util.Locale;

/** Who presents a bearer token: an administrator, or Console core publishing events. */
public enum Role {
    ADMIN,
    CORE;

    /** The user principal's name in the request's security context: {@code admin} or {@code core}. */
    public String principalName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
