package dev.refinery.gateway.service;

import dev.refinery.gateway.events.PipelineEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The fan-out on its own: what a slow client costs the others (nothing) and what it gets (an overflow notice). */
class EventBroadcasterTest {

    private final EventBroadcaster broadcaster = new EventBroadcaster();

    EventBroadcasterTest() {
        broadcaster.registry = new SimpleMeterRegistry();
    }

    @Test
    void aClientThatFallsBehindByMoreThanItsBufferGetsAnOverflowNoticeWhileTheOthersGetEverything() {
        AssertSubscriber<LiveMessage> fast = broadcaster.subscribe("t-a", null, 4).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        AssertSubscriber<LiveMessage> slow = broadcaster.subscribe("t-a", null, 4).subscribe().withSubscriber(AssertSubscriber.create(1));

        for (int i = 0; i < 10; i++) {
            broadcaster.publish(event("job-" + i)); // returns at once even though one client reads nothing
        }

        assertEquals(11, fast.getItems().size(), "Connected and all ten events");
        fast.assertNotTerminated();
        assertInstanceOf(LiveMessage.Connected.class, slow.getItems().get(0));
        slow.request(10);
        // The notice comes next: what was still buffered is stale for a client that must resynchronise anyway.
        assertEquals(List.of(new LiveMessage.Connected(), new LiveMessage.Overflow(4)), slow.getItems());
        slow.assertCompleted();
        assertEquals(1.0, broadcaster.registry.counter("refinery_gateway_sse_overflows_total").count());
    }

    @Test
    void aSubjectFilterKeepsOnlyThatAggregate() {
        AssertSubscriber<LiveMessage> one = broadcaster.subscribe("t-a", "job-2", 4).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        for (int i = 0; i < 10; i++) {
            broadcaster.publish(event("job-" + i)); // nine of them would overflow this client's buffer if they were not filtered first
        }
        assertEquals(2, one.getItems().size());
        assertEquals("job-2", ((LiveMessage.Event) one.getItems().get(1)).event().subject());
        one.assertNotTerminated();
    }

    @Test
    void aClientThatGoesAwayIsForgotten() {
        AssertSubscriber<LiveMessage> client = broadcaster.subscribe("t-a", null, 4).subscribe().withSubscriber(AssertSubscriber.create(0));
        client.cancel();
        for (int i = 0; i < 10; i++) {
            broadcaster.publish(event("job-" + i));
        }
        assertEquals(List.of(), client.getItems());
        assertEquals(0.0, broadcaster.registry.counter("refinery_gateway_sse_overflows_total").count(), "a gone client is not an overflowing one");
    }

    @Test
    void aClientSeesOnlyItsOwnTenantsEvents() {
        AssertSubscriber<LiveMessage> a = broadcaster.subscribe("t-a", null, 4).subscribe().withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        broadcaster.publish(new PipelineEvent("job-completed", "x-id", "t-b", "job-x", "{}"));
        broadcaster.publish(event("job-mine"));
        assertEquals(2, a.getItems().size(), "connected, then only t-a's event: " + a.getItems());
        assertEquals("job-mine", ((LiveMessage.Event) a.getItems().get(1)).event().subject());
    }

    private static PipelineEvent event(String subject) {
        return new PipelineEvent("job-completed", subject + "-id", "t-a", subject, "{\"subject\":\"" + subject + "\"}");
    }
}
