package io.consolecms.webhooks.secrets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up check of the keys: opens every sealed value of the {@code webhooks} table once and, when some cannot be
 * opened with the configured keys (the host runs with the wrong {@code CMS_SECRET_KEY}, or without the previous one),
 * says so in one ERROR line: how many webhooks, which key ids, and what to set. Never a key nor a value. The webhooks
 * concerned are not delivered to (see {@link SecretBox#UNREADABLE}); the host still starts, so that the operator can
 * read the line, fix the setting and restart, and so that the other webhooks keep being served.
 */
public final class KeyCheck {

    private static final Logger LOG = LoggerFactory.getLogger(KeyCheck.class);

    private final DataSource dataSource;
    private final SecretBox box;

    public KeyCheck(DataSource dataSource, SecretBox box) {
        this.dataSource = dataSource;
        this.box = box;
    }

    /**
     * Checks every webhook's sealed values; logs one ERROR line when some cannot be opened.
     *
     * @return how many webhooks have a value that cannot be opened
     */
    public int run() throws SQLException {
        // key id -> why its values cannot be opened, and how many webhooks have one
        Map<String, String> reasons = new TreeMap<>();
        Map<String, Integer> webhooks = new TreeMap<>();
        int unreadable = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT secret, proxy_url FROM webhooks WHERE secret LIKE ? OR proxy_url LIKE ?")) {
            select.setString(1, SecretBox.PREFIX + "%");
            select.setString(2, SecretBox.PREFIX + "%");
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    UnreadableSecretException problem = problem(rows.getString(1));
                    if (problem == null) {
                        problem = problem(rows.getString(2));
                    }
                    if (problem != null) {
                        unreadable++;
                        reasons.putIfAbsent(problem.keyId(), problem.getMessage());
                        webhooks.merge(problem.keyId(), 1, Integer::sum);
                    }
                }
            }
        }
        if (unreadable > 0) {
            StringJoiner found = new StringJoiner("; ");
            reasons.forEach((keyId, reason) -> found.add(webhooks.get(keyId) + " " + plural(webhooks.get(keyId))
                    + " with a value that " + reason));
            LOG.error("wrong key: the secrets of {} {} cannot be decrypted with the configured CMS_SECRET_KEY, so their"
                    + " deliveries and test events are not sent ({}); set the key that sealed them as CMS_SECRET_KEY,"
                    + " or as CMS_SECRET_KEY_PREVIOUS beside the new one, and restart", unreadable, plural(unreadable),
                    found);
            reasons.keySet().forEach(box::markReported);
        }
        return unreadable;
    }

    private UnreadableSecretException problem(String stored) {
        try {
            box.open(stored);
            return null;
        } catch (UnreadableSecretException e) {
            return e;
        }
    }

    private static String plural(int webhooks) {
        return webhooks == 1 ? "webhook" : "webhooks";
    }
}
