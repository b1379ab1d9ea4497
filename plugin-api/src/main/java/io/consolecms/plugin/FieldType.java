package io.consolecms.plugin;

/** How the admin UI renders and edits a {@link FieldDefinition}. The server validates whatever the type. */
public enum FieldType {
    /** One line of text. */
    STRING,
    /** An absolute URL, one line. */
    URL,
    /** Several lines of text. */
    TEXT,
    /** One of a set of values, which the UI may look up from the collection's API. */
    ENUM,
    /** Base64 of one or more X.509 certificates; the UI also accepts a pasted PEM or a {@code .pem}/{@code .crt} file. */
    CERTIFICATE,
    /**
     * A whole number, sent as a JSON number; {@link FieldDefinition#minimum()} and {@link FieldDefinition#maximum()}
     * bound it when set.
     */
    INTEGER
}
