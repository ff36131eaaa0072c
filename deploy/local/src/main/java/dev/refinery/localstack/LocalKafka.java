package dev.refinery.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node Kafka (KRaft, combined broker and controller) in a child JVM, from the
 * {@code kafka_2.13} jars of the version the Quarkus BOM manages. A child JVM rather than an
 * in-process broker, so that the broker's Scala, Jackson and logging jars never meet a Quarkus
 * application under test on one class path.
 */
public final class LocalKafka implements LocalService {

    static final String NAME = "kafka";
    private static final String MAX_HEAP = "320m";
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final RunDirectory run;
    private ChildProcess broker;
    private List<String> brokerCommand;
    private ClassDataSharing classData;
    private String bootstrapServers;
    private Duration startupTime = Duration.ZERO;

    public LocalKafka(RunDirectory run) {
        this.run = run;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized void start() {
        startupTime = LocalService.timedStart(this, this::startBroker);
    }

    private void startBroker() {
        int brokerPort = FreePorts.next();
        int controllerPort = FreePorts.next();
        bootstrapServers = "127.0.0.1:" + brokerPort;
        Path workDir = run.workDir(NAME);
        Path config = writeConfig(workDir, brokerPort, controllerPort);
        Path log4j = writeLog4jConfig(workDir);
        String classPath = ChildClassPaths.kafkaBroker();
        classData = ClassDataSharing.forClassPath(NAME, classPath);

        formatStorage(workDir, config, log4j, classPath);
        brokerCommand = kafkaJvm(log4j, classPath)
                .jvmOptions(classData.serverOptions())
                .main("kafka.Kafka", config.toString())
                .toList();
        runBroker();
    }

    private void runBroker() {
        broker = ChildProcess.start("Kafka broker", brokerCommand, run.workDir(NAME), logFile(), classData.stopGrace(STOP_GRACE));
        Readiness.await("Kafka broker", "KAFKA_NOT_READY", READY_TIMEOUT, broker, this::answersAdminRequests);
    }

    /**
     * Stops the broker as an outage would, keeping its data and its address ({@link #resume} brings it back as it was).
     * For tests of what the platform does while the broker is away.
     */
    public synchronized void suspend() {
        if (broker == null) {
            throw new IllegalStateException("Kafka is not running");
        }
        broker.stop();
        broker = null;
    }

    /** Starts the broker again after {@link #suspend}, on the same port with the same topics, offsets and groups. */
    public synchronized void resume() {
        if (broker != null) {
            throw new IllegalStateException("Kafka is already running");
        }
        runBroker();
    }

    public String bootstrapServers() {
        if (bootstrapServers == null) {
            throw new IllegalStateException("Kafka is not started");
        }
        return bootstrapServers;
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
        if (broker != null) {
            if (broker.stop()) {
                classData.publish();
            } else {
                classData.discard();
            }
            broker = null;
        }
        brokerCommand = null;
        run.deleteWorkDir(NAME);
    }

    /** KRaft refuses to start on an unformatted log directory; a fresh random cluster id per run. */
    private void formatStorage(Path workDir, Path config, Path log4j, String classPath) {
        String clusterId = Uuid.randomUuid().toString();
        int exitCode = ChildProcess.runToCompletion("Kafka storage format", kafkaJvm(log4j, classPath)
                .jvmOptions(classData.readOnlyOptions())
                .main("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString()).toList(),
                workDir, logFile(), FORMAT_TIMEOUT);
        if (exitCode != 0) {
            throw new LocalStackException("KAFKA_FORMAT_FAILED", "kafka.tools.StorageTool format exited with code "
                    + exitCode + "; last log lines: " + LogTail.of(logFile()));
        }
    }

    private static JavaCommand kafkaJvm(Path log4j, String classPath) {
        return JavaCommand.withHeap(MAX_HEAP)
                .systemProperty("log4j2.configurationFile", log4j.toString())
                .classPath(classPath);
    }

    private boolean answersAdminRequests() throws Exception {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(config)) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        }
    }

    private Path writeConfig(Path workDir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", workDir.resolve("data").toString());
        p.setProperty("auto.create.topics.enable", "true");
        p.setProperty("num.partitions", "1");
        // One node: every internal topic must accept a replication factor and ISR of 1.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        // Tests should not wait 3 s for a group to form, nor for 50 offsets partitions to be created.
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.num.partitions", "1");
        // The log cleaner allocates its 128 MB dedupe buffer up front; 8 MB suits a test broker's heap.
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "2");
        p.setProperty("background.threads", "2");
        return store(p, workDir.resolve("server.properties"));
    }

    private static Path writeLog4jConfig(Path workDir) {
        Properties p = new Properties();
        p.setProperty("appender.stdout.type", "Console");
        p.setProperty("appender.stdout.name", "STDOUT");
        p.setProperty("appender.stdout.layout.type", "PatternLayout");
        p.setProperty("appender.stdout.layout.pattern", "[%d] %p %m (%c)%n");
        p.setProperty("rootLogger.level", "INFO");
        p.setProperty("rootLogger.appenderRef.stdout.ref", "STDOUT");
        return store(p, workDir.resolve("log4j2.properties"));
    }

    private static Path store(Properties properties, Path file) {
        try (var out = Files.newBufferedWriter(file)) {
            properties.store(out, "written by " + LocalKafka.class.getName());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
