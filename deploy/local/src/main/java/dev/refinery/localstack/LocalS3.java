package dev.refinery.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * An S3-compatible server: S3Proxy in a child JVM (its fat jar bundles Jetty, Jackson and Guava
 * that would clash with a Quarkus application in-process), storing objects as files through the
 * filesystem-nio2 backend, with AWS v2/v4 signatures checked against a fixed key pair. The bucket
 * exists from the start: to that backend a bucket is a directory under its base directory.
 */
public final class LocalS3 implements LocalService {

    static final String NAME = "s3proxy";
    public static final String DEFAULT_BUCKET = "refinery";
    public static final String ACCESS_KEY = "refinery";
    public static final String SECRET_KEY = "refinery-secret";
    private static final String MAX_HEAP = "160m";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final RunDirectory run;
    private final String bucket;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private ChildProcess server;
    private ClassDataSharing classData;
    private String endpoint;
    private Duration startupTime = Duration.ZERO;

    public LocalS3(RunDirectory run) {
        this(run, DEFAULT_BUCKET);
    }

    public LocalS3(RunDirectory run, String bucket) {
        this.run = run;
        this.bucket = bucket;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized void start() {
        startupTime = LocalService.timedStart(this, this::startServer);
    }

    private void startServer() {
        endpoint = "http://127.0.0.1:" + FreePorts.next();
        Path workDir = run.workDir(NAME);
        Path dataDir = createDirectories(workDir.resolve("data").resolve(bucket)).getParent();
        Path config = writeConfig(workDir, dataDir);
        String classPath = ChildClassPaths.s3proxy();
        classData = ClassDataSharing.forClassPath(NAME, classPath);
        List<String> command = JavaCommand.withHeap(MAX_HEAP)
                .jvmOptions(classData.serverOptions())
                // Logback's own start-up chatter is noise in the log.
                .systemProperty("logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener")
                .classPath(classPath)
                .main("org.gaul.s3proxy.Main", "--properties", config.toString())
                .toList();
        server = ChildProcess.start("S3Proxy", command, workDir, logFile(), classData.stopGrace(STOP_GRACE));
        Readiness.await("S3Proxy", "S3_NOT_READY", READY_TIMEOUT, server, this::answersHttp);
    }

    public String endpoint() {
        if (endpoint == null) {
            throw new IllegalStateException("S3Proxy is not started");
        }
        return endpoint;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public String bucket() {
        return bucket;
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
        if (server != null) {
            if (server.stop()) {
                classData.publish();
            } else {
                classData.discard();
            }
            server = null;
        }
        run.deleteWorkDir(NAME);
    }

    /** Any HTTP answer (an unsigned request gets 403) means Jetty is serving the S3 API. */
    private boolean answersHttp() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "/")).timeout(Duration.ofSeconds(1)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() > 0;
    }

    private Path writeConfig(Path workDir, Path dataDir) {
        Properties p = new Properties();
        p.setProperty("s3proxy.endpoint", endpoint);
        p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        p.setProperty("s3proxy.identity", ACCESS_KEY);
        p.setProperty("s3proxy.credential", SECRET_KEY);
        p.setProperty("jclouds.provider", "filesystem-nio2");
        p.setProperty("jclouds.identity", ACCESS_KEY);
        p.setProperty("jclouds.credential", SECRET_KEY);
        p.setProperty("jclouds.filesystem.basedir", dataDir.toString());
        Path file = workDir.resolve("s3proxy.conf");
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, "written by " + LocalS3.class.getName());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
