package dev.refinery.gateway.webhook;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads the first bytes of a receiver's answer for the delivery log and then stops: a receiver that answers with an endless
 * or huge body can neither hold a sender nor fill its memory.
 */
final class ResponseExcerpt implements HttpResponse.BodySubscriber<String> {

    static final int MAX_BYTES = 200;

    private final byte[] bytes = new byte[MAX_BYTES];
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private int length;
    private Flow.Subscription subscription;

    static HttpResponse.BodyHandler<String> handler() {
        return info -> new ResponseExcerpt();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        for (ByteBuffer item : items) {
            int n = Math.min(item.remaining(), MAX_BYTES - length);
            item.get(bytes, length, n);
            length += n;
        }
        if (length >= MAX_BYTES) {
            subscription.cancel();
            complete();
        } else {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        complete();
    }

    @Override
    public CompletionStage<String> getBody() {
        return result;
    }

    private void complete() {
        result.complete(printable(new String(Arrays.copyOf(bytes, length), StandardCharsets.UTF_8)));
    }

    /** One line of text, whatever the receiver sent. */
    static String printable(String s) {
        return s.replaceAll("[\\p{Cntrl}\\uFFFD]+", " ").strip();
    }
}
