package dev.refinery.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The fallback where zonky's embedded PostgreSQL cannot run (as root without user namespaces):
 * Debian's own binaries (apt package {@code postgresql}, found under
 * {@code /usr/lib/postgresql/<version>/bin}) in a throwaway data directory. initdb and postgres
 * refuse to run as root, so as root they run as the {@code postgres} user via {@code runuser};
 * the data directory then lives in the temp directory, which that user can reach.
 */
final class DebianPostgresServer implements PostgresServer {

    static final Path INSTALL_ROOT = Path.of("/usr/lib/postgresql");
    private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path binDir;
    private final Path dataDir;
    private final int port;
    private Path log;
    private ChildProcess postmaster;
    private long postmasterPid;

    private DebianPostgresServer(Path binDir, Path dataDir, int port) {
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.port = port;
    }

    /** The bin directory of the newest PostgreSQL installed by Debian's packages, if any. */
    static Optional<Path> findBinDir() {
        if (!Files.isDirectory(INSTALL_ROOT)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(INSTALL_ROOT)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("postgres")))
                    .max(Comparator.comparing(DebianPostgresServer::majorVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static DebianPostgresServer start(Path binDir, Path log, int port) {
        DebianPostgresServer server = new DebianPostgresServer(binDir, createDataDir(), port);
        try {
            server.initdb(log);
            server.startPostmaster(log);
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public long postmasterPid() {
        return postmasterPid;
    }

    @Override
    public String description() {
        return "Debian PostgreSQL " + majorVersion(binDir) + " (" + binDir + ")";
    }

    /** Fast shutdown (SIGINT): open client connections are cut instead of waited for. */
    @Override
    public void close() {
        suspend();
        RunDirectory.deleteRecursively(dataDir);
    }

    @Override
    public synchronized void suspend() {
        if (postmaster != null) {
            ProcessHandle.of(postmasterPid).ifPresent(DebianPostgresServer::interruptAndAwait);
            postmaster.stop();
            postmaster = null;
        }
    }

    @Override
    public synchronized void resume() {
        startPostmaster(log);
    }

    private void initdb(Path log) {
        int exitCode = ChildProcess.runToCompletion("initdb", asServerUser(binDir.resolve("initdb").toString(),
                "-D", dataDir.toString(), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"),
                dataDir.getParent(), log, INITDB_TIMEOUT);
        if (exitCode != 0) {
            throw new LocalStackException("POSTGRES_INITDB_FAILED", "initdb exited with code " + exitCode
                    + "; last log lines: " + LogTail.of(log));
        }
    }

    private void startPostmaster(Path log) {
        this.log = log;
        postmaster = ChildProcess.start("PostgreSQL", asServerUser(binDir.resolve("postgres").toString(),
                "-D", dataDir.toString(), "-p", Integer.toString(port),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "max_connections=200"),
                dataDir.getParent(), log, Duration.ofSeconds(2));
        Readiness.await("PostgreSQL", "POSTGRES_NOT_READY", READY_TIMEOUT, postmaster, () -> {
            try (var connection = PostgresServer.connectAsSuperuser(port, "postgres")) {
                return connection.isValid(2);
            }
        });
        postmasterPid = PostgresServer.readPostmasterPid(dataDir);
    }

    private static List<String> asServerUser(String... command) {
        List<String> full = new ArrayList<>();
        if (isRoot()) {
            full.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    private static Path createDataDir() {
        try {
            Path dir = Files.createTempDirectory("refinery-postgres-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            if (isRoot()) {
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(dir, users.lookupPrincipalByName(SUPERUSER));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory for PostgreSQL owned by " + SUPERUSER, e);
        }
    }

    private static void interruptAndAwait(ProcessHandle process) {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
            process.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int majorVersion(Path binDir) {
        try {
            return Integer.parseInt(binDir.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
