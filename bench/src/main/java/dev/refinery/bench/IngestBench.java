package dev.refinery.bench;

import dev.refinery.identity.Caller;
import dev.refinery.identity.IdentityTokens;
import dev.refinery.identity.Scope;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sustained ingestion through the {@code examples} topic, against a running ingest-service and its stack (started by
 * bench/run-ingest-bench.sh): examples per second, the delay from a producer's send to the example being durable, and
 * ingest-service's memory over the run.
 *
 * <p>"Durable" is "committed in PostgreSQL": a reader polls {@code collection_example} by id every 5 ms over JDBC and
 * stamps each example when it first sees it. That is the moment a reader of the database can see it, at most one poll
 * (plus the query) after the commit; earlier stamps (the consumer's receipt, the row's {@code received_at}) come before
 * the commit, and a later one (a seal) measures something else. The one consumer of a collection's partition commits in
 * id order, so reading past the highest id seen misses nothing; the harness counts what it saw and says if any is missing.
 *
 * <p>Two phases. Flood: {@code bench.count} examples sent as fast as the producer goes, so the consumer is the bottleneck:
 * its rate is the throughput, and heap after a full GC and RSS of ingest-service are sampled every
 * {@code bench.sample-seconds} (a send-to-durable delay here would measure the backlog, not the service, and is not
 * reported). Paced: {@code bench.paced-count} examples at a tenth of the flood's rate, then as many at half of it, whose
 * send-to-durable p50/p99 are the latency. Each example: a two-message chat of about 300 bytes (the record's size is printed), unique text, 8 producers round
 * robin.
 *
 * <p>System properties: bench.ingest-url, bench.kafka, bench.jdbc-url, bench.jdbc-user, bench.jdbc-password,
 * bench.signing-key, bench.ingest-pid, bench.count (1,000,000), bench.paced-count (10,000 per rate), bench.sample-seconds (10).
 */
public final class IngestBench {

    private static final String TENANT = "bench";
    private static final int PRODUCERS = 8;
    /** The paced phases' rates, as shares of the flood's throughput: well below it, and at half of it. */
    private static final double[] PACED_SHARES = {0.1, 0.5};
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"(col-[0-9a-f]{32})\"");

    private final long[] sentAt;
    private final long[] durableAt;
    private final AtomicLong durable = new AtomicLong();
    private final String collectionId;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final String jdbcPassword;
    private volatile boolean reading = true;

    private IngestBench(int total, String collectionId, String jdbcUrl, String jdbcUser, String jdbcPassword) {
        this.sentAt = new long[total];
        this.durableAt = new long[total];
        this.collectionId = collectionId;
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
    }

    public static void main(String[] args) throws Exception {
        int flood = Integer.getInteger("bench.count", 1_000_000);
        int paced = Integer.getInteger("bench.paced-count", 10_000);
        int sampleSeconds = Integer.getInteger("bench.sample-seconds", 10);
        long pid = Long.getLong("bench.ingest-pid", -1);
        String collection = createCollection(System.getProperty("bench.ingest-url"), System.getProperty("bench.signing-key"));
        IngestBench bench = new IngestBench(flood + paced * PACED_SHARES.length, collection, System.getProperty("bench.jdbc-url"),
                System.getProperty("bench.jdbc-user"), System.getProperty("bench.jdbc-password"));
        System.out.println("# ingest benchmark: " + Machine.describe() + "; load " + loadAverage());
        System.out.println("# collection " + collection + ", " + flood + " flooded + " + paced + " paced examples at each of "
                + Arrays.toString(PACED_SHARES) + " of the flood's rate, " + PRODUCERS
                + " producers, records of " + bench.record(0).length + " bytes, ingest-service pid " + pid);
        Thread reader = new Thread(bench::readDurable, "durable-reader");
        reader.start();
        try (KafkaProducer<String, byte[]> producer = producer(System.getProperty("bench.kafka"))) {
            bench.run(producer, flood, paced, sampleSeconds, pid);
        } finally {
            bench.reading = false;
            reader.join();
        }
    }

    private void run(KafkaProducer<String, byte[]> producer, int flood, int paced, int sampleSeconds, long pid) throws Exception {
        System.out.println();
        System.out.println("| seconds | durable examples | examples/s in the interval | live heap after full GC MiB | heap used MiB | RSS MiB |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        long start = System.nanoTime();
        Thread sender = new Thread(() -> {
            for (int i = 0; i < flood; i++) {
                send(producer, i);
            }
            producer.flush();
        }, "flood-sender");
        sender.start();
        long lastCount = 0;
        long lastAt = start;
        List<Double> heaps = new ArrayList<>();
        System.out.println(sampleRow(0, 0, 0, pid, heaps));
        while (durable.get() < flood) {
            Thread.sleep(200);
            long now = System.nanoTime();
            if (now - lastAt >= TimeUnit.SECONDS.toNanos(sampleSeconds) || durable.get() >= flood) {
                long count = durable.get();
                double rate = (count - lastCount) / ((now - lastAt) / 1e9);
                System.out.println(sampleRow((now - start) / 1e9, count, rate, pid, heaps));
                lastCount = count;
                lastAt = now;
            }
        }
        sender.join();
        long firstSent = Arrays.stream(sentAt, 0, flood).min().orElseThrow();
        long lastDurable = Arrays.stream(durableAt, 0, flood).max().orElseThrow();
        double floodRate = flood / ((lastDurable - firstSent) / 1e9);

        System.out.println();
        System.out.println("| measure | value |");
        System.out.println("|---|---:|");
        System.out.printf("| flood: examples sent, first send to last durable | %,d in %.1f s |%n", flood, (lastDurable - firstSent) / 1e9);
        System.out.printf("| flood: **examples per second** (durable) | **%,.0f** |%n", floodRate);
        System.out.printf("| flood: live heap after full GC, first / last / max of %d samples | %.1f / %.1f / %.1f MiB |%n", heaps.size(),
                heaps.isEmpty() ? 0 : heaps.get(0), heaps.isEmpty() ? 0 : heaps.get(heaps.size() - 1),
                heaps.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        int from = flood;
        for (double share : PACED_SHARES) {
            paced(producer, from, paced, Math.max(1, floodRate * share));
            from += paced;
        }
        System.out.println("# load at the end " + loadAverage());
    }

    /** {@code count} examples from index {@code from} at {@code rate} a second; prints their send-to-durable delays. */
    private void paced(KafkaProducer<String, byte[]> producer, int from, int count, double rate) throws InterruptedException {
        long pacedStart = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long wait = pacedStart + (long) (i / rate * 1e9) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            send(producer, from + i);
        }
        producer.flush();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (missing(from, count) > 0 && System.nanoTime() < until) {
            Thread.sleep(100);
        }
        long[] delays = new long[count];
        int seen = 0;
        for (int i = from; i < from + count; i++) {
            if (durableAt[i] != 0) {
                delays[seen++] = durableAt[i] - sentAt[i];
            }
        }
        Arrays.sort(delays, 0, seen);
        System.out.printf("| paced at %,.0f examples/s: durable / send to durable p50 / **p99** / max | %,d of %,d / %.1f / **%.1f** / %.1f ms |%n",
                rate, seen, count, percentile(delays, seen, 0.50) / 1e6, percentile(delays, seen, 0.99) / 1e6,
                seen == 0 ? 0 : delays[seen - 1] / 1e6);
    }

    private void send(KafkaProducer<String, byte[]> producer, int i) {
        byte[] value = record(i);
        sentAt[i] = System.nanoTime();
        producer.send(new ProducerRecord<>("examples", collectionId, value));
    }

    private byte[] record(int i) {
        return ("{\"tenant\":\"" + TENANT + "\",\"collectionId\":\"" + collectionId + "\",\"producerId\":\"bench-p" + (i % PRODUCERS)
                + "\",\"idempotencyId\":\"i-" + i + "\",\"example\":{\"messages\":[{\"role\":\"user\",\"content\":\"Question number " + i
                + ": how do I reset the password of my account when the recovery e-mail no longer reaches me?\"},{\"role\":\"assistant\","
                + "\"content\":\"Open the sign-in page, choose 'Forgot password', then 'Use another way' and follow the identity check; "
                + "ticket " + i + ".\"}]}}").getBytes(StandardCharsets.UTF_8);
    }

    private int missing(int from, int count) {
        int missing = 0;
        for (int i = from; i < from + count; i++) {
            if (durableAt[i] == 0) {
                missing++;
            }
        }
        return missing;
    }

    /** Stamps each example the first time a poll of the database sees it committed. */
    private void readDurable() {
        try (Connection db = DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword);
             PreparedStatement next = db.prepareStatement("SELECT id, idempotency_id FROM ingest.collection_example WHERE collection_id = ? "
                     + "AND id > ? ORDER BY id LIMIT 20000")) {
            long after = 0;
            while (reading) {
                next.setString(1, collectionId);
                next.setLong(2, after);
                int rows = 0;
                long now = System.nanoTime();
                try (ResultSet rs = next.executeQuery()) {
                    while (rs.next()) {
                        after = rs.getLong(1);
                        int i = Integer.parseInt(rs.getString(2).substring(2));
                        if (durableAt[i] == 0) {
                            durableAt[i] = now;
                            durable.incrementAndGet();
                        }
                        rows++;
                    }
                }
                if (rows == 0) {
                    Thread.sleep(5);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("the durable reader stopped", e);
        }
    }

    private static String sampleRow(double seconds, long count, double rate, long pid, List<Double> heaps) {
        double[] heap = pid > 0 ? heapAfterFullGc(pid) : new double[] {-1, -1};
        if (heap[0] >= 0) {
            heaps.add(heap[0]);
        }
        return String.format("| %.0f | %,d | %,.0f | %.1f | %.1f | %.1f |", seconds, count, rate, heap[0], heap[1], pid > 0 ? rssMiB(pid) : -1);
    }

    /**
     * Heap of {@code pid} just after a full collection (jcmd GC.run, then jstat): the old generation's use, which after a
     * full collection is what the service really keeps, and all generations' use, which also holds what the service
     * allocated in the moment between the collection and jstat (at over a thousand examples a second, megabytes).
     */
    private static double[] heapAfterFullGc(long pid) {
        try {
            run("jcmd", Long.toString(pid), "GC.run");
            List<String> lines = run("jstat", "-gc", Long.toString(pid));
            String[] names = lines.get(0).trim().split("\\s+");
            String[] values = lines.get(1).trim().split("\\s+");
            double old = 0;
            double all = 0;
            for (int c = 0; c < names.length; c++) {
                if (List.of("S0U", "S1U", "EU", "OU").contains(names[c])) {
                    all += Double.parseDouble(values[c]);
                }
                if (names[c].equals("OU")) {
                    old = Double.parseDouble(values[c]);
                }
            }
            return new double[] {old / 1024, all / 1024};
        } catch (Exception e) {
            return new double[] {-1, -1};
        }
    }

    private static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Double.parseDouble(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (Exception e) {
            // gone, or not Linux
        }
        return -1;
    }

    private static List<String> run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        p.waitFor(60, TimeUnit.SECONDS);
        return lines;
    }

    private static double percentile(long[] sorted, int n, double q) {
        return n == 0 ? Double.NaN : sorted[Math.min(n - 1, (int) Math.ceil(q * n) - 1)];
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+", 4)[0];
        } catch (Exception e) {
            return "?";
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** A collection whose producer limit is far above what one machine sends: the benchmark measures ingestion, not the limit. */
    private static String createCollection(String ingestUrl, String signingKey) throws Exception {
        String identity = new IdentityTokens(signingKey, "bench", Duration.ofSeconds(30)).mint(Caller.tenant(TENANT, Scope.WRITE, "bench"));
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ingestUrl + "/collections"))
                .header(IdentityTokens.HEADER, identity).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"ingest-bench\", \"producerRate\": 100000, \"producerBurst\": 1000000}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        Matcher id = ID.matcher(created.body());
        if (created.statusCode() != 201 || !id.find()) {
            throw new IllegalStateException("could not create the collection: " + created.statusCode() + " " + created.body());
        }
        return id.group(1);
    }
}
