package io.consolecms.webhooks.collection;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One problem of a request, as answered in {@code {"errors":[…]}}.
 *
 * @param field the JSON dot path of the offending member (e.g. {@code proxy.url}, or a query parameter such as
 *     {@code _l}); {@code null} when the problem is the request as a whole
 * @param message what is wrong, for a human
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldError(String field, String message) {

    /** A problem of the request as a whole, not of one of its members. */
    public static FieldError ofRequest(String message) {
        return new FieldError(null, message);
    }
}
