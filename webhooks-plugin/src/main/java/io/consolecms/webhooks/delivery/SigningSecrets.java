package io.consolecms.webhooks.delivery;

import static io.consolecms.webhooks.secrets.SecretBox.forDelivery;

import io.consolecms.webhooks.secrets.SecretBox;

/**
 * The secrets a webhook's deliveries are signed with: its secret and, while a rotation overlaps, the one it replaced.
 *
 * @param current the secret, or {@code null} for unsigned deliveries
 * @param previous the replaced secret, or {@code null}
 * @param previousUntil epoch millis until which {@code previous} still signs (exclusive); meaningless without it
 */
record SigningSecrets(String current, String previous, long previousUntil) {

    static final SigningSecrets NONE = new SigningSecrets(null, null, 0);

    /**
     * The secrets of a webhook row as the delivery side uses them: opened, or {@link SecretBox#UNREADABLE}.
     *
     * @param previousUntil the row's {@code previous_secret_until}, {@code 0} when it is null
     */
    static SigningSecrets stored(String sealedCurrent, String sealedPrevious, long previousUntil) {
        return new SigningSecrets(forDelivery(sealedCurrent), forDelivery(sealedPrevious), previousUntil);
    }

    /**
     * The replaced secret if it still signs at {@code epochMillis}, else {@code null}. One that cannot be decrypted is
     * left out (and reported in the log when read): the new secret's signature is right, and receivers move to it.
     */
    String previousAt(long epochMillis) {
        boolean usable = current != null && previous != null && !SecretBox.UNREADABLE.equals(previous);
        return usable && epochMillis < previousUntil ? previous : null;
    }

    /** Whether the secret could not be decrypted with the configured keys: nothing may be sent then. */
    boolean unreadable() {
        return SecretBox.UNREADABLE.equals(current);
    }

    @Override
    public String toString() {
        return "SigningSecrets[" + (current != null) + ", previous until " + previousUntil + "]"; // never a secret
    }
}
