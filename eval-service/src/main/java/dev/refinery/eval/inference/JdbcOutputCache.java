package dev.refinery.eval.inference;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The cache in eval-service's schema ({@code inference_output}, migration V5). Plain JDBC rather than an entity: the
 * writes come from the client's worker threads outside any transaction, and "insert unless already there" is one
 * statement ({@code ON CONFLICT DO NOTHING}) when two evaluations store the same answer at once. A database error
 * is not swallowed: it reaches the evaluation runner, which treats it as transient like any other outage.
 */
public final class JdbcOutputCache implements OutputCache {

    private static final int MAX_OUTPUT_CHARS = 1_000_000;

    private final DataSource dataSource;

    public JdbcOutputCache(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Map<String, String> find(String tenant, Collection<String> keys) {
        Map<String, String> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT cache_key, output FROM inference_output WHERE tenant = ? AND cache_key = ANY (?)")) {
            Array array = connection.createArrayOf("varchar", keys.toArray());
            select.setString(1, tenant);
            select.setArray(2, array);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.put(rows.getString(1), rows.getString(2));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the inference cache: " + e.getMessage(), e);
        }
    }

    @Override
    public void store(String tenant, String key, Endpoint endpoint, String output) {
        if (output.length() > MAX_OUTPUT_CHARS) {
            return; // not worth a row; the answer is still returned
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO inference_output"
                     + " (cache_key, tenant, base_url, model, output, created_at) VALUES (?, ?, ?, ?, ?, now())"
                     + " ON CONFLICT (cache_key) DO NOTHING")) {
            insert.setString(1, key);
            insert.setString(2, tenant);
            insert.setString(3, endpoint.baseUrl().toString());
            insert.setString(4, endpoint.model());
            insert.setString(5, output);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not write the inference cache: " + e.getMessage(), e);
        }
    }
}
