package dev.refinery.kit.outbox;

/** The broker refused an event for good: sending it again can never succeed, so it is parked instead of blocking the rest. */
public class EventRefusedException extends Exception {

    public EventRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
