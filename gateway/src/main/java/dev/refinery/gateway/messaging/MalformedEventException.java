package dev.refinery.gateway.messaging;

/**
 * A consumed record that is not the event its topic promises (no CloudEvents headers, a type of
 * another topic, a payload that is not a JSON object). Thrown from a consumer, it sends the record to
 * the channel's dead-letter topic; relaying it again would never succeed.
 */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
