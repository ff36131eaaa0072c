package dev.refinery.ingest.service;

import dev.refinery.datasets.check.RecordCheck;
import dev.refinery.datasets.rules.Finding;
import dev.refinery.datasets.rules.Rule;
import dev.refinery.ingest.config.IngestConfig;
import dev.refinery.ingest.events.ExampleRejected;
import dev.refinery.ingest.limits.ProducerLimit;
import dev.refinery.ingest.limits.ProducerRateLimits;
import dev.refinery.ingest.mapping.CollectionMapper;
import dev.refinery.ingest.repository.Collection;
import dev.refinery.ingest.repository.ExampleLedger;
import dev.refinery.kit.outbox.Outbox;
import dev.refinery.kit.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The one way examples enter a collection, for the Kafka consumer and the HTTP batch alike: each example is checked with
 * the validator's per-record rules under the collection's check options (outside any transaction: it is CPU work), then
 * the batch is kept in one transaction. A valid example is stored once per (collection, producer, idempotency id): a retry
 * with the same content is a duplicate, the id with other content is refused. A refused example goes to the collection's
 * rejection log and, through the outbox in the same transaction, to {@code examples-rejected}, once per distinct example.
 * The collection must be {@code tenant}'s; another tenant's is treated exactly like one that does not exist. Before all
 * that, each producer of the batch must be within its rate limit ({@link ProducerRateLimits}), or nothing is done.
 */
@ApplicationScoped
public class ExampleIntake {

    private static final Logger LOG = Logger.getLogger(ExampleIntake.class);

    public static final String COLLECTION_NOT_FOUND = "COLLECTION_NOT_FOUND";
    public static final String RATE_LIMITED = "EXAMPLE_RATE_LIMITED";
    static final String ID_REUSED = "EXAMPLE_IDEMPOTENCY_ID_REUSED";

    @Inject
    ExampleChecks checks;

    @Inject
    ExampleLedger ledger;

    @Inject
    Outbox outbox;

    @Inject
    MeterRegistry registry;

    @Inject
    SealTrigger sealTrigger;

    @Inject
    ProducerRateLimits rateLimits;

    @Inject
    IngestConfig config;

    /** How an example came: the rejection log and the event say so. */
    public enum Via {
        KAFKA, HTTP;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** An example after its check: the line to store, its sha256, and the validator's verdict. */
    private record Checked(ExampleSubmission submission, String line, String sha256, RecordCheck.Verdict verdict) {
    }

    /**
     * Checks and keeps {@code batch} for the collection {@code collectionId} of {@code tenant}; one outcome per example, in
     * order. Must not run inside a transaction. A transient failure (the database away) is thrown as it is: the consumer
     * waits it out, the HTTP caller gets 503.
     */
    public List<ExampleOutcome> receive(String tenant, String collectionId, List<ExampleSubmission> batch, Via via) {
        return receive(tenant, collectionId, batch, via, OptionalLong.empty());
    }

    /**
     * As {@link #receive(String, String, List, Via)}, for examples a producer sent at {@code sentAtMillis} (epoch ms: a Kafka
     * record's timestamp). The producer's rate is then measured by when it sent, not by when the examples are read: a
     * backlog read after an outage or a restart is not a flood, and is not refused as one.
     */
    public List<ExampleOutcome> receive(String tenant, String collectionId, List<ExampleSubmission> batch, Via via, OptionalLong sentAtMillis) {
        Collection collection = QuarkusTransaction.requiringNew().call(() -> Collection.ownedBy(tenant, collectionId).orElse(null));
        // Before the check: a flood should cost neither the validator's CPU nor the database's writes. The buckets are the
        // project's own (records naming another project never touch the owner's) and one per clock.
        Map<String, Integer> perProducer = perProducer(batch);
        ProducerLimit limit = limitOf(collection);
        String scope = tenant + "/" + collectionId + "/" + (sentAtMillis.isPresent() ? "sent" : "arrived");
        long now = sentAtMillis.isPresent() ? sentAtMillis.getAsLong() * 1_000_000L : rateLimits.now();
        var refusal = rateLimits.take(scope, perProducer, limit, now);
        if (refusal.isPresent()) {
            return rateLimited(tenant, collectionId, batch, via, refusal.get());
        }
        List<ExampleOutcome> outcomes;
        try {
            outcomes = checkAndKeep(tenant, collectionId, collection, batch, via);
        } catch (RuntimeException e) {
            // Nothing was kept: the Kafka consumer's retry, or the HTTP producer's resend after 503, must not pay twice.
            rateLimits.giveBack(scope, perProducer, limit, now);
            throw e;
        }
        outcomes.forEach(o -> registry.counter("refinery_ingest_examples_total", "via", via.id(), "outcome",
                o.status().name().toLowerCase(Locale.ROOT)).increment());
        if (collection != null && outcomes.stream().anyMatch(o -> o.status() == ExampleOutcome.Status.ACCEPTED)) {
            if (via == Via.KAFKA) {
                sealTrigger.afterStoredInBackground(collection); // the consumer reads on while the version is written
            } else {
                sealTrigger.afterStored(collection);
            }
        }
        return outcomes;
    }

    private List<ExampleOutcome> checkAndKeep(String tenant, String collectionId, Collection collection, List<ExampleSubmission> batch,
                                              Via via) {
        RecordCheck check = collection == null ? null : checks.forChoices(CollectionMapper.checks(collection));
        List<Checked> checked = new ArrayList<>(batch.size());
        for (ExampleSubmission s : batch) {
            RecordCheck.Verdict verdict = check == null ? null : check.check(s.example());
            String line = new String(verdict == null ? s.example() : verdict.line(), StandardCharsets.UTF_8);
            checked.add(new Checked(s, line, sha256(verdict == null ? s.example() : verdict.line()), verdict));
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        return QuarkusTransaction.requiringNew().call(() -> {
            List<ExampleOutcome> out = new ArrayList<>(checked.size());
            for (Checked c : checked) {
                out.add(collection == null ? unknownCollection(tenant, collectionId, c, via, now) : keep(collection, c, via, now));
            }
            return out;
        });
    }

    /** The collection's limit; the service's where it has none, or where what is stored is not a limit (changed by hand). */
    private ProducerLimit limitOf(Collection c) {
        if (c != null && (c.producerRate != null || c.producerBurst != null)) {
            Double rate = c.producerRate != null ? c.producerRate : config.producerRate();
            Integer burst = c.producerBurst != null ? c.producerBurst : config.producerBurst();
            if (ProducerLimit.valid(rate, burst)) {
                return new ProducerLimit(rate, burst);
            }
            LOG.warnf("collection %s stores producerRate %s and producerBurst %s, which make no limit; the service's is used", c.id,
                    c.producerRate, c.producerBurst);
        }
        return new ProducerLimit(config.producerRate(), config.producerBurst());
    }

    private static Map<String, Integer> perProducer(List<ExampleSubmission> batch) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        batch.forEach(s -> counts.merge(s.producerId(), 1, Integer::sum));
        return counts;
    }

    /**
     * Over HTTP the producer is answered now: 429 and nothing of the batch kept, so what to send again is the whole batch
     * (what was stored before answers duplicate). A Kafka producer cannot be answered: each example is refused on
     * {@code examples-rejected} only, to be sent again. Neither goes into the rejection log: it holds examples that are
     * wrong, once each, while this refusal is about one send of a right one, and a flood must not fill the log.
     */
    private List<ExampleOutcome> rateLimited(String tenant, String collectionId, List<ExampleSubmission> batch, Via via,
                                             ProducerRateLimits.Refusal refusal) {
        registry.counter("refinery_ingest_examples_rate_limited_total", "via", via.id()).increment(batch.size());
        String message = "producer " + refusal.producerId() + " sent examples to " + collectionId + " faster than the collection allows; "
                + "nothing was stored: send them again in " + refusal.waitSeconds() + " s with the same idempotency ids";
        if (via == Via.HTTP) {
            throw new ApiException(429, RATE_LIMITED, "Too many requests", message).with("producerId", refusal.producerId())
                    .retryAfter((int) Math.min(Integer.MAX_VALUE, refusal.waitSeconds()));
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        List<ExampleOutcome.Problem> problems = List.of(new ExampleOutcome.Problem(RATE_LIMITED, "", message,
                "Slow down to the collection's producerRate, or ask for a higher one; a resend under the same idempotency id is stored once."));
        return QuarkusTransaction.requiringNew().call(() -> batch.stream().map(s -> {
            ExampleOutcome outcome = new ExampleOutcome(s.producerId(), s.idempotencyId(), ExampleOutcome.Status.REJECTED, problems, List.of());
            outbox.publish(ExampleRejected.TOPIC, collectionId, CollectionMapper.toEvent(tenant, collectionId, outcome, sha256(s.example()),
                    via.id(), now));
            return outcome;
        }).toList());
    }

    private ExampleOutcome keep(Collection collection, Checked c, Via via, OffsetDateTime now) {
        ExampleSubmission s = c.submission();
        if (!c.verdict().accepted()) {
            return reject(collection.tenant, collection.id, c, problems(c.verdict().errors()), via, now, true);
        }
        String format = c.verdict().format().id();
        String pinned = collection.format != null ? collection.format : ledger.pinFormat(collection.id, format);
        if (!pinned.equals(format)) {
            // The file check's own rule, applied on arrival: a sealed version of mixed formats would be refused whole.
            return reject(collection.tenant, collection.id, c, List.of(new ExampleOutcome.Problem(Rule.FORMAT_MIXED.code(), "",
                    "the collection holds " + pinned + " examples; this one is " + format, Rule.FORMAT_MIXED.hint())), via, now, true);
        }
        collection.format = pinned; // the entity is detached: this only spares the rest of the batch the query
        var earlier = ledger.storeOnce(new ExampleLedger.StoredExample(collection.id, s.producerId(), s.idempotencyId(), c.line(), c.sha256(),
                format, via.id(), now));
        List<ExampleOutcome.Problem> warnings = problems(c.verdict().warnings());
        if (earlier.isEmpty()) {
            return new ExampleOutcome(s.producerId(), s.idempotencyId(), ExampleOutcome.Status.ACCEPTED, List.of(), warnings);
        }
        if (earlier.get().equals(c.sha256())) {
            return new ExampleOutcome(s.producerId(), s.idempotencyId(), ExampleOutcome.Status.DUPLICATE, List.of(), warnings);
        }
        return reject(collection.tenant, collection.id, c, List.of(new ExampleOutcome.Problem(ID_REUSED, "", "producer " + s.producerId()
                + " already sent another example with idempotency id " + s.idempotencyId(), "Give every distinct example its own "
                + "idempotency id, and reuse one only to retry the very same example.")), via, now, true);
    }

    /**
     * An unknown collection, or another tenant's (the same answer): nothing to log it in, so only the event tells the
     * producer, under the tenant its record named; announced once per distinct example all the same, like a logged refusal.
     */
    private ExampleOutcome unknownCollection(String tenant, String collectionId, Checked c, Via via, OffsetDateTime now) {
        return reject(tenant, collectionId, c, List.of(new ExampleOutcome.Problem(COLLECTION_NOT_FOUND, "", "no collection " + collectionId,
                "Create the collection first (POST /v1/collections) and send its id, with the tenant that owns it.")), via, now, false);
    }

    private ExampleOutcome reject(String tenant, String collectionId, Checked c, List<ExampleOutcome.Problem> problems, Via via,
                                  OffsetDateTime now, boolean logged) {
        ExampleSubmission s = c.submission();
        ExampleOutcome outcome = new ExampleOutcome(s.producerId(), s.idempotencyId(), ExampleOutcome.Status.REJECTED,
                CollectionMapper.bounded(problems), List.of());
        boolean first = logged
                ? ledger.logRejectionOnce(collectionId, s.producerId(), s.idempotencyId(), c.sha256(), CollectionMapper.problemsColumn(problems),
                via.id(), now)
                : ledger.noteUnknownCollectionRefusalOnce(tenant, collectionId, s.producerId(), s.idempotencyId(), c.sha256(), now);
        if (first) {
            outbox.publish(ExampleRejected.TOPIC, collectionId, CollectionMapper.toEvent(tenant, collectionId, outcome, c.sha256(), via.id(), now));
        }
        return outcome;
    }

    private static List<ExampleOutcome.Problem> problems(List<Finding> findings) {
        return findings.stream().map(f -> new ExampleOutcome.Problem(f.rule().code(), f.path(), f.message(), f.rule().hint())).toList();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
