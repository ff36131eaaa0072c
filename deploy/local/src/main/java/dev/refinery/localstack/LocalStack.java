package dev.refinery.localstack;

import dev.refinery.identity.KeyFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Kafka, S3 and PostgreSQL started in parallel, each in its own process on free ports, and the
 * Quarkus configuration that points a service at them. Closing stops all three and deletes their
 * data; the logs stay in {@link #runDirectory()}.
 */
public final class LocalStack implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalStack.class.getName());

    private final RunDirectory run;
    private final LocalKafka kafka;
    private final LocalS3 s3;
    private final LocalPostgres postgres;
    private Duration startupTime = Duration.ZERO;
    /** Fresh secrets per stack: nothing is shared between runs or published as a default. */
    private final String identitySigningKey = KeyFormat.randomAlphanumeric(48);
    private final String adminKey = KeyFormat.generate();

    private LocalStack(RunDirectory run) {
        this.run = run;
        this.kafka = new LocalKafka(run);
        this.s3 = new LocalS3(run);
        this.postgres = new LocalPostgres(run);
    }

    /** Starts all three in a new run directory; on any failure stops what did start and throws. */
    public static LocalStack start() {
        return start(RunDirectory.create());
    }

    public static LocalStack start(RunDirectory run) {
        LocalStack stack = new LocalStack(run);
        LOG.log(System.Logger.Level.INFO, "Starting the local stack (Kafka, S3Proxy, PostgreSQL); logs in {0}", run);
        long started = System.nanoTime();
        try {
            stack.inParallel(LocalService::start);
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        stack.startupTime = Duration.ofNanos(System.nanoTime() - started);
        LOG.log(System.Logger.Level.INFO, stack.startupReport());
        return stack;
    }

    public LocalKafka kafka() {
        return kafka;
    }

    public LocalS3 s3() {
        return s3;
    }

    public LocalPostgres postgres() {
        return postgres;
    }

    public Path runDirectory() {
        return run.root();
    }

    /** The gateway's bootstrap admin key for this stack (tenant {@code default}, scope admin). */
    public String adminKey() {
        return adminKey;
    }

    public Duration startupTime() {
        return startupTime;
    }

    /** Quarkus configuration properties for a service using this stack. */
    public Map<String, String> quarkusConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl());
        config.put("quarkus.datasource.username", postgres.username());
        config.put("quarkus.datasource.password", postgres.password());
        config.put("refinery.s3.endpoint", s3.endpoint());
        config.put("refinery.s3.access-key", s3.accessKey());
        config.put("refinery.s3.secret-key", s3.secretKey());
        config.put("refinery.s3.bucket", s3.bucket());
        config.put("refinery.identity.signing-key", identitySigningKey);
        config.put("refinery.auth.bootstrap-key", adminKey);
        return config;
    }

    /** "Local stack up in 6.9 s (kafka 6.8 s, s3proxy 3.1 s, postgres 2.2 s); logs in /tmp/...". */
    public String startupReport() {
        String parts = services().stream()
                .map(s -> s.name() + " " + seconds(s.startupTime()))
                .collect(Collectors.joining(", "));
        return "Local stack up in " + seconds(startupTime) + " (" + parts + "); " + postgres.description()
                + "; logs in " + run;
    }

    /** Stops all three in parallel; never throws. */
    @Override
    public void close() {
        try {
            inParallel(LocalService::close);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Stopping the local stack: " + e.getMessage(), e);
        }
    }

    private List<LocalService> services() {
        return List.of(kafka, s3, postgres);
    }

    private void inParallel(Consumer<LocalService> action) {
        ExecutorService executor = Executors.newFixedThreadPool(services().size(), runnable -> {
            Thread thread = new Thread(runnable, "local-stack");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<Void>> futures = services().stream()
                    .map(service -> CompletableFuture.runAsync(() -> action.accept(service), executor))
                    .toList();
            List<Throwable> failures = new ArrayList<>();
            for (CompletableFuture<Void> future : futures) {
                try {
                    future.join();
                } catch (CompletionException e) {
                    failures.add(e.getCause());
                }
            }
            throwIfAny(failures);
        } finally {
            executor.shutdownNow();
        }
    }

    private static void throwIfAny(List<Throwable> failures) {
        if (failures.isEmpty()) {
            return;
        }
        if (failures.size() == 1 && failures.get(0) instanceof RuntimeException single) {
            throw single;
        }
        LocalStackException combined = new LocalStackException("STACK_START_FAILED", failures.stream()
                .map(Throwable::getMessage).collect(Collectors.joining("\n---\n")));
        failures.forEach(combined::addSuppressed);
        throw combined;
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
