package dev.refinery.kit.events;

/**
 * A consumed record that cannot be processed as the event its topic promises (no CloudEvents
 * headers, an unknown type version, a payload that does not parse). Thrown from a consumer, it sends
 * the record to the channel's dead-letter topic; retrying would never succeed.
 */
public class MalformedEventException extends RuntimeException {

    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
