package dev.refinery.kit.deadletter;

import dev.refinery.kit.auth.CurrentCaller;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * Operators' endpoint of every service that consumes events (not routed by the gateway): which topics' dead letters it
 * can replay, and the replay itself.
 */
@Path("/admin/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    @Inject
    DeadLetters deadLetters;

    @Inject
    CurrentCaller caller;

    /** The topics this service consumes with a dead-letter topic beside them. */
    @GET
    public List<DeadLetterRoute> topics() {
        caller.requireService();
        return deadLetters.routes();
    }

    /**
     * Re-publishes up to {@code limit} dead letters of the topic to it (key and CloudEvents headers kept), once the fault that
     * sent them there is fixed: {@code {"topic", "deadLetterTopic", "replayed"}}. 404 {@code DEAD_LETTER_TOPIC_UNKNOWN} for a
     * topic this service does not consume, 400 {@code DEAD_LETTER_LIMIT_INVALID}, 503 {@code DEAD_LETTER_REPLAY_FAILED}.
     */
    @POST
    @Path("/{topic}/replay")
    public DeadLetters.Replayed replay(@PathParam("topic") String topic, @QueryParam("limit") @DefaultValue("100") int limit) {
        caller.requireService();
        return deadLetters.replay(topic, limit);
    }
}
