package dev.refinery.ingest.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.ingest.config.IngestConfig;
import dev.refinery.ingest.mapping.CollectionMapper;
import dev.refinery.ingest.service.CheckRequest;
import dev.refinery.ingest.service.CollectionOptions;
import dev.refinery.ingest.service.CollectionSeals;
import dev.refinery.ingest.service.CollectionService;
import dev.refinery.ingest.service.ExampleEnvelopes;
import dev.refinery.ingest.service.ExampleIntake;
import dev.refinery.kit.auth.CurrentCaller;
import dev.refinery.kit.problem.ApiException;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;

/**
 * Collections of producers' examples. A collection belongs to the tenant of the caller that created it; another tenant's
 * id is answered exactly like an unknown one (404 COLLECTION_NOT_FOUND). Examples come in here in batches, or on the
 * {@code examples} Kafka topic; both go through {@link ExampleIntake}, the one path.
 */
@Path("/collections")
@Produces(MediaType.APPLICATION_JSON)
public class CollectionResource {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    CollectionService collections;

    @Inject
    ExampleIntake intake;

    @Inject
    CollectionSeals seals;

    @Inject
    IngestConfig config;

    @Inject
    CurrentCaller caller;

    @POST
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a collection", description = "JSON {name, target?, model?, splits?, dedup?, overContext?, epochs?, evals?, "
            + "testSet?, sealEvery?, sealAfter?, producerRate?, producerBurst?}: the check options are an upload's, checked the same way (400 naming "
            + "the field), and every example sent to the collection is validated with them on arrival. sealEvery: seal a version on its "
            + "own once that many valid examples wait unsealed; sealAfter (ISO-8601, PT1M to P365D): once the oldest of them has waited "
            + "that long. producerRate, producerBurst: examples a second (on average) and at once "
            + "that one producer may send; past them a batch is 429 EXAMPLE_RATE_LIMITED with Retry-After.")
    public Response create(InputStream body) {
        CollectionRequest r = request(body);
        CollectionService.Counted created = collections.create(caller.tenant(), r.name(),
                new CheckRequest(r.target(), r.model(), r.splits(), r.dedup(), r.overContext(), r.epochs(), r.evals(), r.testSet()),
                new CollectionOptions(r.sealEvery(), r.sealAfter(), r.producerRate(), r.producerBurst()));
        CollectionView view = CollectionMapper.toView(created.collection(), created.counts());
        return Response.created(URI.create("/collections/" + view.id())).entity(view).build();
    }

    @GET
    @Operation(summary = "The caller's collections, newest first")
    public List<CollectionView> list(@QueryParam("limit") @DefaultValue("50") int limit) {
        return collections.list(caller.tenant(), Math.max(1, Math.min(limit, 500))).stream()
                .map(c -> CollectionMapper.toView(c.collection(), c.counts())).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A collection: its check options, how many examples it holds and how many were refused")
    public CollectionView get(@PathParam("id") String id) {
        CollectionService.Counted c = collections.get(caller.tenant(), id);
        return CollectionMapper.toView(c.collection(), c.counts());
    }

    @GET
    @Path("/{id}/rejections")
    @Operation(summary = "The collection's rejection log, newest first", description = "Every refused example: producer, idempotency id, "
            + "how it came (kafka or http), when, and each reason with the validator's rule code, JSON path, message and hint. "
            + "Page with before = the last id seen.")
    public List<RejectionView> rejections(@PathParam("id") String id,
                                          @QueryParam("limit") @DefaultValue("100") int limit,
                                          @QueryParam("before") @Parameter(description = "only entries older than this id") Long before) {
        return collections.rejections(caller.tenant(), id, before, Math.max(1, Math.min(limit, 1000))).stream()
                .map(CollectionMapper::toView).toList();
    }

    @POST
    @Path("/{id}/examples")
    @Blocking
    @Consumes({MediaType.APPLICATION_JSON, "application/x-ndjson", "application/jsonl", MediaType.TEXT_PLAIN})
    @Operation(summary = "Send examples to a collection", description = "A JSON array of {producerId, idempotencyId, example}, or one such "
            + "object per line. Each example is validated on arrival like a line of an upload and answered one by one: accepted "
            + "(stored), duplicate (the same example was stored before under this producer and idempotency id) or rejected (with "
            + "every reason; also in the rejection log). A malformed batch is refused as a whole (400 EXAMPLE_ENVELOPE_INVALID or "
            + "EXAMPLE_BATCH_NOT_JSON, naming the item and field) and nothing is kept; 413 EXAMPLE_BATCH_TOO_LARGE past the limits; "
            + "429 EXAMPLE_RATE_LIMITED with Retry-After when a producer of the batch sent faster than the collection allows: "
            + "nothing of the batch is kept, send it again after that many seconds.")
    public ExampleBatchView examples(@PathParam("id") String id, InputStream body) {
        String tenant = caller.tenant();
        String collectionId = collections.require(tenant, id).id;
        List<ExampleEnvelopes.Envelope> envelopes;
        try {
            envelopes = ExampleEnvelopes.batch(bounded(body), config.maxBatchItems());
        } catch (ExampleEnvelopes.EnvelopeException e) {
            ApiException refused = "EXAMPLE_BATCH_TOO_LARGE".equals(e.code)
                    ? new ApiException(413, e.code, "Payload too large", e.getMessage()).with("limitItems", config.maxBatchItems())
                    : ApiException.badRequest(e.code, e.getMessage()).with("item", e.item);
            throw e.field == null ? refused : refused.with("field", e.field);
        }
        if (envelopes.isEmpty()) {
            throw ApiException.badRequest("EXAMPLE_BATCH_EMPTY", "the batch holds no examples: send a JSON array or JSONL of "
                    + "{producerId, idempotencyId, example}");
        }
        return CollectionMapper.toView(intake.receive(tenant, collectionId,
                envelopes.stream().map(ExampleEnvelopes.Envelope::submission).toList(), ExampleIntake.Via.HTTP));
    }

    @POST
    @Path("/{id}/seal")
    @Blocking
    @Operation(summary = "Seal the examples stored since the last seal into a dataset version", description = "They become an "
            + "immutable dataset (JSONL, the collection's name and check options) announced with dataset-uploaded like an upload, "
            + "so it is validated and can be trained on; the answer is the collection's new version with the previous one and "
            + "the producers. 201, Location names the dataset; 422 COLLECTION_NOTHING_TO_SEAL when no example arrived since.")
    public Response seal(@PathParam("id") String id) {
        CollectionSeals.Sealed sealed = seals.seal(caller.tenant(), id);
        return Response.created(URI.create("/datasets/" + sealed.dataset().id)).entity(CollectionMapper.toView(sealed.version())).build();
    }

    @GET
    @Path("/{id}/versions")
    @Operation(summary = "The collection's sealed versions, newest first")
    public List<VersionView> versions(@PathParam("id") String id) {
        return seals.versions(caller.tenant(), id).stream().map(CollectionMapper::toView).toList();
    }

    /**
     * The create request, read here rather than by the framework so that a broken body gets the kit's stable code, and a
     * misspelt option (an unknown field) is refused instead of silently taking the default.
     */
    private static CollectionRequest request(InputStream body) {
        try {
            byte[] bytes = body == null ? new byte[0] : body.readNBytes(64 * 1024);
            CollectionRequest r = bytes.length == 0 ? null : JSON.readValue(bytes, CollectionRequest.class);
            return r == null ? new CollectionRequest(null, null, null, null, null, null, null, null, null, null, null, null, null) : r;
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw ApiException.badRequest("REQUEST_BODY_INVALID", "the body must be a JSON object {name, target?, model?, splits?, dedup?, "
                    + "overContext?, epochs?, evals?, testSet?, sealEvery?, sealAfter?, producerRate?, producerBurst?}: " + detail);
        }
    }

    /** The body, refused past the batch limit before more of it is read. */
    private byte[] bounded(InputStream body) {
        if (body == null) {
            return new byte[0];
        }
        try {
            byte[] bytes = body.readNBytes(config.maxBatchBytes() + 1);
            if (bytes.length > config.maxBatchBytes()) {
                throw new ApiException(413, "EXAMPLE_BATCH_TOO_LARGE", "Payload too large", "a batch may have at most "
                        + config.maxBatchBytes() + " bytes; send fewer examples per request").with("limitBytes", config.maxBatchBytes());
            }
            return bytes;
        } catch (IOException e) {
            throw ApiException.badRequest("UPLOAD_INCOMPLETE", "the batch was interrupted; nothing was kept. Send it again: "
                    + "examples already stored answer duplicate");
        }
    }
}
