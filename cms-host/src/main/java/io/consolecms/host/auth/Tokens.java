package io.consolecms.host.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The bearer tokens the host accepts (administrators', Console core's, and the optional metrics token), and where the
 * first two came from (for the start-up log, never the value). Comparisons take the same time whatever the presented
 * token.
 */
public final class Tokens {

    private final byte[] adminDigest;
    private final byte[] coreDigest;
    private final byte[] metricsDigest;
    private final String adminSource;
    private final String coreSource;

    /** The administrators' and Console core's tokens; no metrics token. */
    public Tokens(String admin, String adminSource, String core, String coreSource) {
        this(admin, adminSource, core, coreSource, Optional.empty());
    }

    /**
     * @param metrics the token that may read {@code GET /metrics} only ({@code CMS_METRICS_TOKEN}), when set
     */
    public Tokens(String admin, String adminSource, String core, String coreSource, Optional<String> metrics) {
        this.adminDigest = digest(admin);
        this.coreDigest = digest(core);
        // without a metrics token, a digest no presented token can have (a SHA-256 of 33 bytes) keeps timing the same
        this.metricsDigest = metrics.map(Tokens::digest).orElseGet(() -> new byte[33]);
        this.adminSource = adminSource;
        this.coreSource = coreSource;
    }

    /** The role whose token this is, or empty for an unknown token. */
    public Optional<Role> roleOf(String presented) {
        byte[] candidate = digest(presented);
        // Every comparison always runs so that timing does not tell which role a near miss was close to.
        boolean admin = MessageDigest.isEqual(candidate, adminDigest);
        boolean core = MessageDigest.isEqual(candidate, coreDigest);
        boolean metrics = MessageDigest.isEqual(candidate, metricsDigest);
        return admin ? Optional.of(Role.ADMIN) : core ? Optional.of(Role.CORE)
                : metrics ? Optional.of(Role.METRICS) : Optional.empty();
    }

    /** Where the administrators' token is: a file path, or "from CMS_ADMIN_TOKEN". */
    public String adminSource() {
        return adminSource;
    }

    /** Where Console core's token is: a file path, or "from CMS_CORE_TOKEN". */
    public String coreSource() {
        return coreSource;
    }

    private static byte[] digest(String token) {
        try {
            // Hashing first makes every comparison the same length.
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "Tokens[admin " + adminSource + ", core " + coreSource + "]";
    }
}
