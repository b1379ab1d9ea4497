package io.consolecms.host.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The body of every error answer: {@code {"errors":[{"field":"…","message":"…"}]}}.
 *
 * @param errors what is wrong, one entry per problem
 */
public record ErrorBody(List<Error> errors) {

    /** A body with one message and no field. */
    public static ErrorBody of(String message) {
        return new ErrorBody(List.of(new Error(null, message, null)));
    }

    /** A body with one message about one field. */
    public static ErrorBody ofField(String field, String message) {
        return new ErrorBody(List.of(new Error(field, message, null)));
    }

    /**
     * One problem.
     *
     * @param field the input member at fault, or {@code null}
     * @param message what is wrong
     * @param errorId the id under which an unexpected error was logged, or {@code null}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(String field, String message, String errorId) {
    }
}
