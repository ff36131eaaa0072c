package dev.refinery.kit.deadletter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A topic this service consumes with a dead-letter topic beside it, as its messaging configuration declares them: every
 * {@code mp.messaging.incoming.<channel>.failure-strategy=dead-letter-queue}, its {@code topic} (default: the channel's
 * name) and its {@code dead-letter-queue.topic} (default: SmallRye's {@code dead-letter-topic-<topic>}). Only these can be
 * replayed: a service never writes into a topic it does not read.
 */
public record DeadLetterRoute(String topic, String deadLetterTopic) {

    private static final Pattern FAILURE_STRATEGY = Pattern.compile("^mp\\.messaging\\.incoming\\.([^.]+)\\.failure-strategy$");

    /**
     * The routes declared by a configuration: {@code names} are its property names, {@code value} reads one.
     */
    public static List<DeadLetterRoute> declared(Iterable<String> names, Function<String, Optional<String>> value) {
        List<DeadLetterRoute> routes = new ArrayList<>();
        for (String name : names) {
            Matcher m = FAILURE_STRATEGY.matcher(name);
            if (!m.matches() || !value.apply(name).map(v -> v.strip().equals("dead-letter-queue")).orElse(false)) {
                continue;
            }
            String prefix = "mp.messaging.incoming." + m.group(1) + ".";
            String topic = value.apply(prefix + "topic").orElse(m.group(1));
            String deadLetters = value.apply(prefix + "dead-letter-queue.topic").orElse("dead-letter-topic-" + topic);
            DeadLetterRoute route = new DeadLetterRoute(topic, deadLetters);
            if (!routes.contains(route)) {
                routes.add(route);
            }
        }
        routes.sort(Comparator.comparing(DeadLetterRoute::topic));
        return List.copyOf(routes);
    }
}
