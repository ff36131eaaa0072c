package dev.refinery.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** A running PostgreSQL server whose superuser {@code postgres} logs in without a password (trust). */
interface PostgresServer extends AutoCloseable {

    String SUPERUSER = "postgres";

    int port();

    /** The postmaster's pid, from {@code postmaster.pid} in the data directory. */
    long postmasterPid();

    /** What runs, for logs: "embedded PostgreSQL (zonky) 17.x", "Debian PostgreSQL 15". */
    String description();

    /** Stops the server, keeping its data directory and port for {@link #resume}. */
    void suspend();

    /** Starts the server again on the data and port it had before {@link #suspend}. */
    void resume();

    @Override
    void close();

    static Connection connectAsSuperuser(int port, String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", SUPERUSER);
        properties.setProperty("connectTimeout", "2");
        properties.setProperty("loginTimeout", "2");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + database, properties);
    }

    static long readPostmasterPid(Path dataDir) {
        try {
            return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            throw new LocalStackException("POSTGRES_NOT_READY", "cannot read the postmaster pid in " + dataDir, e);
        }
    }
}
