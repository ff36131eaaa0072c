package dev.refinery.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The fallback for machines where zonky's PostgreSQL cannot run. Skipped where Debian's
 * PostgreSQL is not installed (apt-get install postgresql).
 */
class DebianPostgresFallbackTest {

    @Test
    void debianPostgresServesTheSameDatabase() throws Exception {
        Assumptions.assumeTrue(DebianPostgresServer.findBinDir().isPresent(), "no PostgreSQL under /usr/lib/postgresql");
        RunDirectory run = RunDirectory.create();
        try (LocalPostgres postgres = new LocalPostgres(run, "debian")) {
            postgres.start();
            assertTrue(postgres.description().startsWith("Debian PostgreSQL"), postgres.description());
            try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
                 Statement sql = db.createStatement()) {
                sql.execute("CREATE TABLE job (id TEXT PRIMARY KEY)");
                sql.execute("INSERT INTO job VALUES ('j-1')");
                try (ResultSet rows = sql.executeQuery("SELECT id FROM job")) {
                    assertTrue(rows.next());
                    assertEquals("j-1", rows.getString(1));
                }
            }
            System.out.println(postgres.description() + " up in " + postgres.startupTime().toMillis() + " ms");
        } finally {
            RunDirectory.deleteRecursively(run.root());
        }
    }
}
