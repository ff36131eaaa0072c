package dev.refinery.localstack;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * PostgreSQL with a database and an owner role for the platform ({@code refinery}/{@code refinery}).
 * Zonky's embedded PostgreSQL 17 first; where it cannot run, Debian's PostgreSQL binaries
 * ({@link DebianPostgresServer}). {@code -Drefinery.local-stack.postgres=embedded|debian|auto}
 * forces one (default auto). Authentication is trust: the password is accepted, not checked.
 */
public final class LocalPostgres implements LocalService {

    static final String NAME = "postgres";
    static final String MODE_PROPERTY = "refinery.local-stack.postgres";
    public static final String DATABASE = "refinery";
    public static final String USER = "refinery";
    public static final String PASSWORD = "refinery";

    private static final System.Logger LOG = System.getLogger(LocalPostgres.class.getName());

    private final RunDirectory run;
    private final String mode;
    private PostgresServer server;
    private ParentDeathWatch watch;
    private Duration startupTime = Duration.ZERO;

    public LocalPostgres(RunDirectory run) {
        this(run, System.getProperty(MODE_PROPERTY, "auto"));
    }

    /** mode: auto (embedded, else Debian's), embedded or debian. */
    LocalPostgres(RunDirectory run, String mode) {
        this.run = run;
        this.mode = checkedMode(mode);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized void start() {
        startupTime = LocalService.timedStart(this, () -> {
            server = startServer();
            // pg_ctl daemonizes the postmaster: without this watch it would outlive a killed JVM.
            watch = ParentDeathWatch.forServer(server.postmasterPid(), "QUIT");
            createDatabase();
        });
    }

    /**
     * Stops the server as an outage would, keeping its data and its port ({@link #resume} starts it again on them). For
     * tests of what the platform does while the database is away.
     */
    public synchronized void suspend() {
        if (server == null) {
            throw new IllegalStateException("PostgreSQL is not running");
        }
        if (watch != null) {
            watch.cancel();
            watch = null;
        }
        server.suspend();
    }

    /** Starts the server again after {@link #suspend}, on the same data and port. */
    public synchronized void resume() {
        if (server == null) {
            throw new IllegalStateException("PostgreSQL is not started");
        }
        server.resume();
        watch = ParentDeathWatch.forServer(server.postmasterPid(), "QUIT");
    }

    public String jdbcUrl() {
        if (server == null) {
            throw new IllegalStateException("PostgreSQL is not started");
        }
        return "jdbc:postgresql://127.0.0.1:" + server.port() + "/" + DATABASE;
    }

    public String username() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    /** Which PostgreSQL runs: embedded (zonky) or Debian's. */
    public String description() {
        return server == null ? "not started" : server.description();
    }

    @Override
    public Duration startupTime() {
        return startupTime;
    }

    @Override
    public Path logFile() {
        return run.logFile(NAME);
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.cancel();
            watch = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
        run.deleteWorkDir(NAME);
    }

    private PostgresServer startServer() {
        if (mode.equals("debian")) {
            return startDebian(null);
        }
        try {
            return EmbeddedPostgresServer.start(run.workDir(NAME).resolve("data"), logFile(), FreePorts.next());
        } catch (Exception e) {
            if (mode.equals("embedded")) {
                throw new LocalStackException("POSTGRES_NOT_READY", "embedded PostgreSQL did not start: " + e
                        + "; last log lines: " + LogTail.of(logFile()), e);
            }
            LOG.log(System.Logger.Level.WARNING, "Embedded PostgreSQL did not start; trying Debian's PostgreSQL", e);
            return startDebian(e);
        }
    }

    private PostgresServer startDebian(Exception embeddedFailure) {
        Optional<Path> binDir = DebianPostgresServer.findBinDir();
        if (binDir.isEmpty()) {
            LocalStackException e = new LocalStackException("POSTGRES_NOT_READY", (embeddedFailure == null ? ""
                    : "embedded PostgreSQL did not start (" + embeddedFailure + ") and ")
                    + "there are no Debian PostgreSQL binaries under " + DebianPostgresServer.INSTALL_ROOT
                    + " (apt-get install postgresql); last log lines: " + LogTail.of(logFile()), embeddedFailure);
            throw e;
        }
        // A fresh port: a half-started embedded server may still hold the first one.
        return DebianPostgresServer.start(binDir.get(), logFile(), FreePorts.next());
    }

    private void createDatabase() {
        try (Connection connection = PostgresServer.connectAsSuperuser(server.port(), "postgres");
             Statement sql = connection.createStatement()) {
            sql.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            sql.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
        } catch (SQLException e) {
            throw new LocalStackException("POSTGRES_NOT_READY", "cannot create database " + DATABASE + ": " + e.getMessage(), e);
        }
    }

    private static String checkedMode(String configured) {
        String mode = configured.toLowerCase(Locale.ROOT);
        if (!mode.equals("auto") && !mode.equals("embedded") && !mode.equals("debian")) {
            throw new LocalStackException("BAD_CONFIGURATION", MODE_PROPERTY + " must be auto, embedded or debian, not " + mode);
        }
        return mode;
    }
}
