package io.consolecms.webhooks.secrets;

/** A sealed value that no configured key opens. Its message names the key id, never the value. */
public final class UnreadableSecretException extends Exception {

    private final String keyId;

    UnreadableSecretException(String keyId, String message) {
        super(message, null, false, false);
        this.keyId = keyId;
    }

    /** The id of the key that sealed the value. */
    public String keyId() {
        return keyId;
    }
}
