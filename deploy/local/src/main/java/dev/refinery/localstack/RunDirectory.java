package dev.refinery.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One directory per stack run: each component's log ({@code kafka.log}, {@code s3proxy.log},
 * {@code postgres.log}) and its working data. Data is deleted when the component stops; logs stay
 * for reading after a failed test. When a new run starts, runs whose process is gone lose their
 * data (a killed JVM could not delete it) and all but the newest five are deleted.
 *
 * <p>The parent is {@code -Drefinery.local-stack.dir}, else {@code $REFINERY_LOCAL_STACK_DIR},
 * else {@code ${java.io.tmpdir}/refinery-local-stack}.
 */
public final class RunDirectory {

    static final String PARENT_PROPERTY = "refinery.local-stack.dir";
    static final String PARENT_ENV = "REFINERY_LOCAL_STACK_DIR";
    private static final String OWNER_FILE = "owner.pid";
    private static final int DEAD_RUNS_KEPT = 5;
    private static final AtomicInteger RUNS_IN_THIS_JVM = new AtomicInteger();

    private final Path root;

    private RunDirectory(Path root) {
        this.root = root;
    }

    public static RunDirectory create() {
        return create(defaultParent());
    }

    public static RunDirectory create(Path parent) {
        try {
            Files.createDirectories(parent);
            pruneDeadRuns(parent);
            long pid = ProcessHandle.current().pid();
            String name = "run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                    + "-" + pid + "-" + RUNS_IN_THIS_JVM.incrementAndGet();
            Path root = Files.createDirectories(parent.resolve(name)).toAbsolutePath();
            Files.writeString(root.resolve(OWNER_FILE), Long.toString(pid));
            return new RunDirectory(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run directory under " + parent, e);
        }
    }

    static Path defaultParent() {
        String configured = Optional.ofNullable(System.getProperty(PARENT_PROPERTY)).orElse(System.getenv(PARENT_ENV));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "refinery-local-stack");
    }

    public Path root() {
        return root;
    }

    Path logFile(String component) {
        return root.resolve(component + ".log");
    }

    /** A fresh working directory for a component; deleted again by {@link #deleteWorkDir}. */
    Path workDir(String component) {
        try {
            return Files.createDirectories(root.resolve(component));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root.resolve(component), e);
        }
    }

    void deleteWorkDir(String component) {
        deleteRecursively(root.resolve(component));
    }

    static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Best effort: a leftover temp file must not fail a test run.
        }
    }

    private static void pruneDeadRuns(Path parent) throws IOException {
        List<Path> deadRuns;
        try (Stream<Path> children = Files.list(parent)) {
            deadRuns = children.filter(p -> p.getFileName().toString().startsWith("run-"))
                    .filter(RunDirectory::ownerIsGone)
                    .sorted(Comparator.comparing((Path p) -> p.toFile().lastModified()).reversed())
                    .toList();
        }
        // Data of a killed run is useless; its logs may explain the kill.
        deadRuns.forEach(RunDirectory::deleteWorkDirs);
        deadRuns.stream().skip(DEAD_RUNS_KEPT).forEach(RunDirectory::deleteRecursively);
    }

    private static void deleteWorkDirs(Path run) {
        try (Stream<Path> children = Files.list(run)) {
            children.filter(Files::isDirectory).forEach(RunDirectory::deleteRecursively);
        } catch (IOException e) {
            // Best effort, as for every cleanup here.
        }
    }

    private static boolean ownerIsGone(Path run) {
        try {
            long pid = Long.parseLong(Files.readString(run.resolve(OWNER_FILE)).trim());
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (IOException | NumberFormatException e) {
            return true;
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
