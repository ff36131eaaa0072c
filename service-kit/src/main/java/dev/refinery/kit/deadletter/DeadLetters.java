package dev.refinery.kit.deadletter;

import dev.refinery.kit.problem.ApiException;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * The dead letters of the topics this service consumes, replayable after a fix (see {@link DeadLetterReplayer}). The
 * replay's consumer group is {@code <service>-dead-letter-replay}; one replay runs at a time per process.
 */
@ApplicationScoped
public class DeadLetters {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    public static final int MAX_LIMIT = 1000;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "quarkus.application.name", defaultValue = "refinery")
    String serviceName;

    private List<DeadLetterRoute> routes;
    private DeadLetterReplayer replayer;

    /** How one replay went. */
    public record Replayed(String topic, String deadLetterTopic, int replayed) {
    }

    @PostConstruct
    void init() {
        Config config = ConfigProvider.getConfig();
        routes = DeadLetterRoute.declared(config.getPropertyNames(), name -> config.getOptionalValue(name, String.class));
        replayer = new DeadLetterReplayer(bootstrapServers, serviceName + "-dead-letter-replay");
    }

    /** The topics whose dead letters this service can replay. */
    public List<DeadLetterRoute> routes() {
        return routes;
    }

    /**
     * Re-publishes up to {@code limit} dead letters of {@code topic} to it.
     *
     * @throws ApiException 404 for a topic this service does not consume, 400 for a limit out of range, 503 when the
     *                      broker cannot finish the replay (nothing is committed; ask again)
     */
    public synchronized Replayed replay(String topic, int limit) {
        DeadLetterRoute route = routes.stream().filter(r -> r.topic().equals(topic)).findFirst()
                .orElseThrow(() -> ApiException.notFound("DEAD_LETTER_TOPIC_UNKNOWN", "this service consumes no topic '" + topic
                                + "' with a dead-letter topic; it replays only its own")
                        .with("topic", topic).with("allowed", routes.stream().map(DeadLetterRoute::topic).toList()));
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("DEAD_LETTER_LIMIT_INVALID", "limit must be 1 to " + MAX_LIMIT + ", got " + limit)
                    .with("field", "limit");
        }
        try {
            int n = replayer.replay(route, limit);
            LOG.infof("replayed %d dead letters of %s from %s", n, route.topic(), route.deadLetterTopic());
            return new Replayed(route.topic(), route.deadLetterTopic(), n);
        } catch (DeadLetterReplayer.ReplayFailedException e) {
            LOG.warnf("replay of %s failed: %s", route.deadLetterTopic(), e.getMessage());
            throw new ApiException(503, "DEAD_LETTER_REPLAY_FAILED", "Service unavailable", e.getMessage()
                    + "; nothing was committed, so asking again replays the same records (consumers drop repeats)")
                    .with("topic", topic).retryAfter(5);
        }
    }
}
