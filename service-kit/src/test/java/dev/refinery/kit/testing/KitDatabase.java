package dev.refinery.kit.testing;

import dev.refinery.localstack.LocalPostgres;
import dev.refinery.localstack.RunDirectory;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

/**
 * A real PostgreSQL for the kit's unit tests (no Quarkus): one server per test JVM, and a fresh schema with the kit's
 * migrations for each caller, so tests never see each other's rows.
 */
public final class KitDatabase {

    private static final List<String> MIGRATIONS = List.of("V0_1__outbox_and_inbox.sql", "V0_2__work_lease_and_retention.sql");
    private static LocalPostgres server;

    private KitDatabase() {
    }

    /** A data source whose connections use a new schema holding the kit's tables. */
    public static synchronized DataSource freshSchema() {
        if (server == null) {
            server = new LocalPostgres(RunDirectory.create());
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        }
        String schema = "kit_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(server.jdbcUrl());
        ds.setUser(server.username());
        ds.setPassword(server.password());
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create schema " + schema, e);
        }
        ds.setCurrentSchema(schema);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String migration : MIGRATIONS) {
                s.execute(resource("db/kit/" + migration));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot apply the kit's migrations", e);
        }
        return ds;
    }

    private static String resource(String name) {
        try (InputStream in = KitDatabase.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no " + name + " on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
