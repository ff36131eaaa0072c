package dev.refinery.providers;

import dev.refinery.providers.http.Sleeper;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the waits the transport asked for instead of sleeping, so retry tests take no time. */
public final class RecordingSleeper implements Sleeper {

    public final List<Duration> waits = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration duration) {
        waits.add(duration);
    }
}
