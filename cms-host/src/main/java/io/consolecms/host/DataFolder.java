package io.consolecms.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data folder ({@code CMS_DATA_DIR}): it holds the tokens, the secret key and the embedded database, so it is
 * created accessible to its owner only (mode 700), and an existing one that others may enter is reported.
 */
final class DataFolder {

    private static final Logger LOG = LoggerFactory.getLogger(DataFolder.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private DataFolder() {
    }

    /** Creates {@code folder} (and missing parents) with mode 700, unless it exists. */
    static void create(Path folder) throws IOException {
        boolean posix = folder.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (Files.isDirectory(folder)) {
            if (posix && !OWNER_ONLY.containsAll(Files.getPosixFilePermissions(folder))) {
                LOG.warn("{} can be entered by other users: make it accessible to its owner only (chmod 700)",
                        folder);
            }
            return;
        }
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
                : new FileAttribute<?>[0];
        // Created with its final permissions (the umask can only take more away), so nothing is ever exposed.
        Files.createDirectories(folder, attributes);
    }
}
