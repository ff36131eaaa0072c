package dev.refinery.kit.outbox;

import java.time.Duration;

/** Puts one outbox row on the broker and waits for its acknowledgement. */
public interface EventSender {

    /**
     * @throws EventRefusedException when the broker will never take this record (too large, no such topic)
     * @throws Exception             anything else: the broker may take it later (unreachable, timed out)
     */
    void send(OutboxRow row, Duration timeout) throws Exception;
}
