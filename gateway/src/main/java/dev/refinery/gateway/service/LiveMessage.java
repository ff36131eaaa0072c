package dev.refinery.gateway.service;

import dev.refinery.gateway.events.PipelineEvent;

/** What a live client receives: pipeline events, and the gateway's own notices about the stream. */
public sealed interface LiveMessage {

    /** Sent first: the client is subscribed, every later event reaches it. */
    record Connected() implements LiveMessage {
    }

    /** A pipeline event. */
    record Event(PipelineEvent event) implements LiveMessage {
    }

    /** Keeps an idle connection open, and lets the server notice a client that went away. */
    record Heartbeat() implements LiveMessage {
    }

    /** The client fell more than {@code limit} events behind; its stream ends here and it should reconnect. */
    record Overflow(int limit) implements LiveMessage {
    }
}
