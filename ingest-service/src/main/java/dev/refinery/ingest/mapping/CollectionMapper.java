package dev.refinery.ingest.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.ingest.events.ExampleRejected;
import dev.refinery.ingest.repository.Collection;
import dev.refinery.ingest.repository.CollectionRejection;
import dev.refinery.ingest.repository.CollectionVersion;
import dev.refinery.ingest.repository.ExampleLedger;
import dev.refinery.ingest.rest.CollectionView;
import dev.refinery.ingest.rest.DatasetView;
import dev.refinery.ingest.rest.ExampleBatchView;
import dev.refinery.ingest.rest.ExampleProblemView;
import dev.refinery.ingest.rest.RejectionView;
import dev.refinery.ingest.rest.VersionView;
import dev.refinery.ingest.service.CheckChoices;
import dev.refinery.ingest.service.ExampleOutcome;

import java.time.OffsetDateTime;
import java.util.List;

/** Collections, rejections and example outcomes: entity to view, entity to event, and the stored JSON of problems. */
public final class CollectionMapper {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<ExampleOutcome.Problem>> PROBLEMS = new TypeReference<>() {
    };
    private static final int MAX_TEXT = 500;

    private CollectionMapper() {
    }

    public static CollectionView toView(Collection c, ExampleLedger.Counts counts) {
        CheckChoices k = checks(c);
        DatasetView.ChecksView checks = k == null ? null : new DatasetView.ChecksView(k.target(), k.model(), k.splits(), k.dedup(),
                k.overContext(), k.epochs(), k.evaluations(), k.testSet() == null ? null : k.testSet().datasetId());
        return new CollectionView(c.id, c.name, c.createdAt, checks, c.format, c.sealEvery,
                c.sealAfterSeconds == null ? null : java.time.Duration.ofSeconds(c.sealAfterSeconds).toString(), c.producerRate, c.producerBurst,
                counts.examples(), counts.unsealed(), counts.rejections());
    }

    public static VersionView toView(CollectionVersion v) {
        try {
            return new VersionView(v.collectionId, v.version, v.datasetId, v.previousDatasetId, v.examples,
                    JSON.readValue(v.producers, new TypeReference<List<String>>() {
                    }), v.sealedAt);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("version " + v.version + " of " + v.collectionId + " has unreadable producers", e);
        }
    }

    public static RejectionView toView(CollectionRejection r) {
        return new RejectionView(r.id, r.producerId, r.idempotencyId, r.via, r.receivedAt, views(problems(r.problems)));
    }

    public static ExampleBatchView toView(List<ExampleOutcome> outcomes) {
        List<ExampleBatchView.Result> results = outcomes.stream().map(o -> new ExampleBatchView.Result(o.producerId(), o.idempotencyId(),
                o.status().name().toLowerCase(java.util.Locale.ROOT), views(o.problems()), views(o.warnings()))).toList();
        return new ExampleBatchView(count(outcomes, ExampleOutcome.Status.ACCEPTED), count(outcomes, ExampleOutcome.Status.DUPLICATE),
                count(outcomes, ExampleOutcome.Status.REJECTED), results);
    }

    public static ExampleRejected toEvent(String tenant, String collectionId, ExampleOutcome o, String sha256, String via, OffsetDateTime at) {
        return new ExampleRejected(tenant, collectionId, o.producerId(), o.idempotencyId(), sha256, via, at,
                bounded(o.problems()).stream().map(p -> new ExampleRejected.Problem(p.code(), p.path(), p.message(), p.hint())).toList());
    }

    /** Problems as stored with a rejection and sent in its event: at most {@link ExampleRejected#MAX_PROBLEMS}, texts cut. */
    public static List<ExampleOutcome.Problem> bounded(List<ExampleOutcome.Problem> problems) {
        return problems.stream().limit(ExampleRejected.MAX_PROBLEMS)
                .map(p -> new ExampleOutcome.Problem(p.code(), cut(p.path()), cut(p.message()), cut(p.hint()))).toList();
    }

    public static String problemsColumn(List<ExampleOutcome.Problem> problems) {
        try {
            return JSON.writeValueAsString(bounded(problems));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("problems could not be written as JSON", e);
        }
    }

    private static List<ExampleOutcome.Problem> problems(String column) {
        try {
            return JSON.readValue(column, PROBLEMS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a rejection has unreadable problems", e);
        }
    }

    public static CheckChoices checks(Collection c) {
        if (c.checks == null) {
            return null;
        }
        try {
            return JSON.readValue(c.checks, CheckChoices.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("collection " + c.id + " has unreadable check options", e);
        }
    }

    private static List<ExampleProblemView> views(List<ExampleOutcome.Problem> problems) {
        return problems.stream().map(p -> new ExampleProblemView(p.code(), p.path(), p.message(), p.hint())).toList();
    }

    private static long count(List<ExampleOutcome> outcomes, ExampleOutcome.Status status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 3) + "...";
    }
}
