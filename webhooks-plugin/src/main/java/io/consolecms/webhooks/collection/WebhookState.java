package io.consolecms.webhooks.collection;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The {@code __STATE__} of a document, with the transitions Mia-Platform CRUD Service allows. */
public enum WebhookState {
    PUBLIC, DRAFT, TRASH, DELETED;

    private static final Map<WebhookState, Set<WebhookState>> TRANSITIONS = Map.of(
            PUBLIC, EnumSet.of(DRAFT, TRASH),
            DRAFT, EnumSet.of(PUBLIC, TRASH),
            TRASH, EnumSet.of(DRAFT, DELETED),
            DELETED, EnumSet.of(TRASH));

    /** The states a listing shows when it names none. */
    public static final Set<WebhookState> LISTED_BY_DEFAULT = EnumSet.of(PUBLIC, DRAFT);

    /** The states in which a single document is found when the request names none. */
    public static final Set<WebhookState> FOUND_BY_DEFAULT = EnumSet.of(PUBLIC, DRAFT, TRASH);

    /** Whether CRUD Service lets a document move from this state to {@code next}. */
    public boolean canMoveTo(WebhookState next) {
        return TRANSITIONS.get(this).contains(next);
    }

    /** The state named {@code text} exactly (upper case), if any. */
    public static Optional<WebhookState> named(String text) {
        for (WebhookState state : values()) {
            if (state.name().equals(text)) {
                return Optional.of(state);
            }
        }
        return Optional.empty();
    }
}
