package io.consolecms.plugin;

import java.util.Objects;

/**
 * Metadata of one field of a collection's documents, declared once by the plugin: the admin UI builds its form and
 * table from it; the plugin's own validation is what the server enforces.
 *
 * @param name the field's JSON name; a dot path for a nested field (e.g. {@code proxy.url})
 * @param label a short human label, e.g. {@code Target URL}
 * @param type how the UI renders it
 * @param required whether a document must have it
 * @param secret whether it is write-only: never returned by the API; the UI shows a password input that may be left
 *     empty on edit to keep the stored value
 * @param help a sentence shown beside the input; may be empty
 * @param pattern a regular expression the UI may check before sending (the server judges); may be {@code null}
 * @param maxLength the longest accepted value, or 0 for no limit the UI needs to know
 * @param listed whether the collection's table shows it as a column
 * @param minimum the smallest accepted {@link FieldType#INTEGER} value, or {@code null} for no bound
 * @param maximum the largest accepted {@link FieldType#INTEGER} value, or {@code null} for no bound
 */
public record FieldDefinition(String name, String label, FieldType type, boolean required, boolean secret, String help,
                              String pattern, int maxLength, boolean listed, Long minimum, Long maximum) {

    /** A field without bounds: the form of plugins written before {@link #minimum()} and {@link #maximum()}. */
    public FieldDefinition(String name, String label, FieldType type, boolean required, boolean secret, String help,
                           String pattern, int maxLength, boolean listed) {
        this(name, label, type, required, secret, help, pattern, maxLength, listed, null, null);
    }

    public FieldDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(type, "type");
        help = help == null ? "" : help;
    }

    /** Starts a field definition with a name, a label and a type; everything else off or empty. */
    public static FieldDefinition of(String name, String label, FieldType type) {
        return new FieldDefinition(name, label, type, false, false, "", null, 0, false, null, null);
    }

    public FieldDefinition asRequired() {
        return new FieldDefinition(name, label, type, true, secret, help, pattern, maxLength, listed, minimum, maximum);
    }

    public FieldDefinition asSecret() {
        return new FieldDefinition(name, label, type, required, true, help, pattern, maxLength, listed,
                minimum, maximum);
    }

    public FieldDefinition asListed() {
        return new FieldDefinition(name, label, type, required, secret, help, pattern, maxLength, true,
                minimum, maximum);
    }

    public FieldDefinition withHelp(String text) {
        return new FieldDefinition(name, label, type, required, secret, text, pattern, maxLength, listed,
                minimum, maximum);
    }

    public FieldDefinition withPattern(String regex) {
        return new FieldDefinition(name, label, type, required, secret, help, regex, maxLength, listed,
                minimum, maximum);
    }

    public FieldDefinition withMaxLength(int max) {
        return new FieldDefinition(name, label, type, required, secret, help, pattern, max, listed, minimum, maximum);
    }

    /** Bounds an {@link FieldType#INTEGER} field: the UI checks them, the server enforces them. */
    public FieldDefinition withRange(long min, long max) {
        return new FieldDefinition(name, label, type, required, secret, help, pattern, maxLength, listed, min, max);
    }
}
