package io.consolecms.plugin;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The keys with which a plugin encrypts what it keeps at rest (signing secrets, credentials), as the host resolved
 * them at start-up from {@code CMS_SECRET_KEY} and {@code CMS_SECRET_KEY_PREVIOUS}, or from the key it generated into
 * its data folder. Each key is 32 bytes (AES-256) with a short id derived from its bytes, which a plugin stores next
 * to each value so that it can tell which key sealed it.
 *
 * <p>A plugin seals new values with {@link #current()} only; it opens values sealed under any key of {@link #all()},
 * and should re-seal values of a {@link #previous()} key with the current one, since the operator drops the previous
 * key once that is done.
 *
 * @param current the key that seals new values
 * @param previous keys that sealed older values and may still open them, newest first; may be empty
 */
public record EncryptionKeys(Key current, List<Key> previous) {

    /** Checks that there is a current key; copies the previous ones. */
    public EncryptionKeys {
        Objects.requireNonNull(current, "current");
        previous = List.copyOf(previous);
    }

    /** Every key, the current one first. */
    public List<Key> all() {
        return Stream.concat(Stream.of(current), previous.stream()).toList();
    }

    /**
     * One key.
     *
     * @param id a short identifier derived from the key's bytes (the same bytes always give the same id)
     * @param bytes the 32 bytes of an AES-256 key; the record hands out copies
     */
    public record Key(String id, byte[] bytes) {

        /** Checks the id and the length, and keeps a copy of the bytes. */
        public Key {
            Objects.requireNonNull(id, "id");
            if (bytes.length != 32) {
                throw new IllegalArgumentException("an AES-256 key has 32 bytes, not " + bytes.length);
            }
            bytes = bytes.clone();
        }

        /** A copy of the key's bytes. */
        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && id.equals(key.id) && Arrays.equals(bytes, key.bytes);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }

        /** Never the key's bytes. */
        @Override
        public String toString() {
            return "Key[" + id + "]";
        }
    }
}
