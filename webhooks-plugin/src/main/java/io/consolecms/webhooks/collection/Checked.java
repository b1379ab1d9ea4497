package io.consolecms.webhooks.collection;

import java.util.List;

/**
 * A value read from a request, or the problems that kept it from being read.
 *
 * @param value the value; {@code null} when there are errors
 * @param errors the problems; empty when the value is usable
 * @param <T> the value's type
 */
record Checked<T>(T value, List<FieldError> errors) {

    static <T> Checked<T> of(T value) {
        return new Checked<>(value, List.of());
    }

    static <T> Checked<T> failed(List<FieldError> errors) {
        return new Checked<>(null, List.copyOf(errors));
    }

    boolean ok() {
        return errors.isEmpty();
    }
}
