package io.consolecms.webhooks.secrets;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings every webhook's {@code secret}, {@code previous_secret} and {@code proxy_url} under the current key: plain values that an earlier
 * version stored are sealed, values sealed under a previous key are sealed again. Walks the table in small batches by
 * id; each row is written only if it still holds what was read, so a concurrent edit wins. Values no configured key
 * opens are left as they are (and reported once).
 */
public final class Resealer {

    private static final Logger LOG = LoggerFactory.getLogger(Resealer.class);
    static final int BATCH = 100;

    private final DataSource dataSource;
    private final SecretBox box;

    /** A resealer of the plugin's {@code webhooks} table. */
    public Resealer(DataSource dataSource, SecretBox box) {
        this.dataSource = dataSource;
        this.box = box;
    }

    /**
     * One pass over the table.
     *
     * @param plainOnly only seal plain values (what start-up must finish before serving), leaving previous keys' rows
     * @return how many rows were written
     */
    public int run(boolean plainOnly) throws SQLException {
        int written = 0;
        String after = "";
        while (true) {
            List<String[]> rows = batch(after);
            if (rows.isEmpty()) {
                break;
            }
            for (String[] row : rows) {
                if (needs(row[1], plainOnly) || needs(row[2], plainOnly) || needs(row[3], plainOnly)) {
                    written += reseal(row);
                }
            }
            after = rows.get(rows.size() - 1)[0];
        }
        if (written > 0) {
            LOG.info("sealed the secrets of {} webhooks under the current key", written);
        }
        return written;
    }

    private boolean needs(String stored, boolean plainOnly) {
        if (stored == null) {
            return false;
        }
        return plainOnly ? !stored.startsWith(SecretBox.PREFIX) : !box.isCurrent(stored);
    }

    private List<String[]> batch(String after) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT id, secret, proxy_url, previous_secret FROM webhooks WHERE id > ? ORDER BY id LIMIT "
                             + BATCH)) {
            select.setString(1, after);
            List<String[]> rows = new ArrayList<>();
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(new String[] {result.getString(1), result.getString(2), result.getString(3),
                        result.getString(4)});
                }
            }
            return rows;
        }
    }

    private int reseal(String[] row) throws SQLException {
        String secret;
        String proxyUrl;
        String previous;
        try {
            secret = box.open(row[1]);
            proxyUrl = box.open(row[2]);
            previous = box.open(row[3]);
        } catch (UnreadableSecretException e) {
            box.reportOnce(e);
            return 0;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE webhooks SET secret = ?, proxy_url = ?,"
                     + " previous_secret = ? WHERE id = ? AND secret IS NOT DISTINCT FROM ?"
                     + " AND proxy_url IS NOT DISTINCT FROM ? AND previous_secret IS NOT DISTINCT FROM ?")) {
            update.setString(1, box.isCurrent(row[1]) ? row[1] : box.seal(secret));
            update.setString(2, box.isCurrent(row[2]) ? row[2] : box.seal(proxyUrl));
            update.setString(3, box.isCurrent(row[3]) ? row[3] : box.seal(previous));
            update.setString(4, row[0]);
            update.setString(5, row[1]);
            update.setString(6, row[2]);
            update.setString(7, row[3]);
            return update.executeUpdate();
        }
    }
}
