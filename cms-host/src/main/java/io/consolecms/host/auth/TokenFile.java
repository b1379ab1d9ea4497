package io.consolecms.host.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A token kept in a file of the data folder: generated on first start (256 random bits, base64url, readable by the
 * owner only), read back on later starts.
 */
public final class TokenFile {

    static final int RANDOM_BYTES = 32;
    private static final Logger LOG = LoggerFactory.getLogger(TokenFile.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private TokenFile() {
    }

    /**
     * The token in {@code file}, generating the file when it does not exist.
     *
     * @throws IOException when the file cannot be read or written, or holds no usable token
     */
    public static String readOrGenerate(Path file) throws IOException {
        if (Files.exists(file)) {
            return read(file);
        }
        String token = generate();
        try {
            write(file, token);
            return token;
        } catch (FileAlreadyExistsException anotherStartWon) {
            return read(file);
        }
    }

    /** A new random token: 256 bits from {@link SecureRandom}, base64url without padding. */
    public static String generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String read(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")
                && !OWNER_ONLY.containsAll(Files.getPosixFilePermissions(file))) {
            LOG.warn("{} can be read by other users: make it readable by its owner only (chmod 600)", file);
        }
        String token = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (token.length() < 16 || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
            throw new IOException(file + " holds no usable token; delete it to have a new one generated");
        }
        return token;
    }

    private static void write(Path file, String token) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        // Created with its final permissions, so there is no moment when others could read it.
        Files.createFile(file, attributes);
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
    }
}
