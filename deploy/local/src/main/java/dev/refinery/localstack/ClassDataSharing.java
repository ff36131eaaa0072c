package dev.refinery.localstack;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Application class-data sharing for the child JVMs: most of a Kafka broker's or S3Proxy's start-up
 * is loading classes, and a CDS archive of them halves it. The first long-running child dumps its
 * classes when it exits ({@code -XX:ArchiveClassesAtExit}); later ones map the archive. Archives
 * live in {@code ${java.io.tmpdir}/refinery-local-stack/cds}, keyed by the JDK and the class path's
 * jars (path, size, time), so a changed jar or JDK gets a new one. A JVM that cannot use an archive
 * warns in its log and starts normally. {@code -Drefinery.local-stack.cds=false} turns this off.
 */
final class ClassDataSharing {

    static final String ENABLED_PROPERTY = "refinery.local-stack.cds";
    private static final Duration STALE_DUMP_AGE = Duration.ofHours(1);
    private static final Duration DUMP_TIME = Duration.ofSeconds(30);
    private static final AtomicInteger DUMPS_IN_THIS_JVM = new AtomicInteger();

    private final Path archive;
    private final Path dump;
    private boolean dumping;

    private ClassDataSharing(Path archive, Path dump) {
        this.archive = archive;
        this.dump = dump;
    }

    static ClassDataSharing forClassPath(String name, String classPath) {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "refinery-local-stack", "cds");
        String key = name + "-" + fingerprint(classPath);
        Path dump = dir.resolve(key + "-" + ProcessHandle.current().pid() + "-" + DUMPS_IN_THIS_JVM.incrementAndGet() + ".dump");
        return new ClassDataSharing(dir.resolve(key + ".jsa"), dump);
    }

    /** Options for a JVM that only reads the archive (a short-lived tool would dump too few classes). */
    List<String> readOnlyOptions() {
        return enabled() && Files.isRegularFile(archive) ? List.of("-XX:SharedArchiveFile=" + archive) : List.of();
    }

    /** Options for a long-running server: read the archive, or dump one when it exits. */
    synchronized List<String> serverOptions() {
        if (!enabled()) {
            return List.of();
        }
        if (Files.isRegularFile(archive)) {
            return List.of("-XX:SharedArchiveFile=" + archive);
        }
        try {
            Files.createDirectories(archive.getParent());
            deleteStaleDumps();
        } catch (IOException e) {
            return List.of();
        }
        dumping = true;
        return List.of("-XX:ArchiveClassesAtExit=" + dump);
    }

    /** Writing the archive at exit takes seconds more than a normal shutdown on a busy machine. */
    synchronized Duration stopGrace(Duration normal) {
        return dumping ? normal.plus(DUMP_TIME) : normal;
    }

    /** After the server exited cleanly: its dump becomes the archive, whole (atomic rename). */
    synchronized void publish() {
        if (!dumping) {
            return;
        }
        dumping = false;
        try {
            if (Files.isRegularFile(dump) && Files.size(dump) > 0) {
                Files.move(dump, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            // No archive this time: the next run dumps again.
        } finally {
            discard();
        }
    }

    /** After the server was killed: its dump may be cut short. */
    synchronized void discard() {
        dumping = false;
        try {
            Files.deleteIfExists(dump);
        } catch (IOException e) {
            // Removed as stale by a later run.
        }
    }

    private static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(ENABLED_PROPERTY, "true"));
    }

    /** Dumps of killed JVMs that never got published. */
    private void deleteStaleDumps() throws IOException {
        Instant cutoff = Instant.now().minus(STALE_DUMP_AGE);
        try (Stream<Path> files = Files.list(archive.getParent())) {
            files.filter(f -> f.getFileName().toString().endsWith(".dump"))
                    .filter(f -> lastModified(f).toInstant().isBefore(cutoff))
                    .forEach(f -> f.toFile().delete());
        }
    }

    private static String fingerprint(String classPath) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((System.getProperty("java.home") + "|" + System.getProperty("java.vm.version")).getBytes(StandardCharsets.UTF_8));
            for (String entry : classPath.split(File.pathSeparator)) {
                Path jar = Path.of(entry);
                digest.update(("|" + entry + "|" + size(jar) + "|" + lastModified(jar).toMillis()).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static FileTime lastModified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
