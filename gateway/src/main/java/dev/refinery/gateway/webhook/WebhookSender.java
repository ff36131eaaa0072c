package dev.refinery.gateway.webhook;

import dev.refinery.kit.problem.ApiException;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Makes the due deliveries: every {@code refinery.webhooks.poll-interval} it claims a batch and POSTs each event, signed,
 * to its webhook, all of the batch in parallel, then records each outcome. A 2xx answer is a delivery; anything else
 * (another status, a redirect, which is never followed, a refused or slow connection, a target that now resolves to an
 * internal address) is a failed attempt, retried on the schedule. Secrets and signatures are never logged.
 */
@ApplicationScoped
public class WebhookSender {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class);

    @Inject
    DeliveryQueue queue;

    @Inject
    TargetAddresses addresses;

    @Inject
    WebhookConfig config;

    private HttpClient http;

    @PostConstruct
    void start() {
        http = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Scheduled(every = "${refinery.webhooks.poll-interval}", delayed = "${refinery.webhooks.poll-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class,
            identity = "webhook-sender")
    /** One run of this replica's sender (public so a test can run several at once, as replicas would). */
    public void sendDue() {
        List<DeliveryQueue.Claim> claims = queue.claimDue();
        if (claims.isEmpty()) {
            return;
        }
        CompletableFuture.allOf(claims.stream().map(this::attempt).toArray(CompletableFuture[]::new)).join();
    }

    private CompletableFuture<Void> attempt(DeliveryQueue.Claim claim) {
        return send(claim)
                .thenAccept(outcome -> {
                    if (!outcome.delivered()) {
                        LOG.infof("delivery %s to webhook %s failed: %s %s", claim.deliveryId(), claim.webhookId(),
                                outcome.responseCode(), outcome.excerpt());
                    }
                    queue.record(claim.deliveryId(), outcome);
                })
                .exceptionally(e -> {
                    LOG.errorf(e, "could not record the outcome of delivery %s; it is tried again when its claim ends", claim.deliveryId());
                    return null;
                });
    }

    CompletableFuture<DeliveryQueue.Outcome> send(DeliveryQueue.Claim claim) {
        try {
            addresses.check(claim.url());
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(new DeliveryQueue.Outcome(null, e.getMessage()));
        } catch (UnknownHostException e) {
            return CompletableFuture.completedFuture(new DeliveryQueue.Outcome(null, "the host " + claim.url().getHost() + " does not resolve"));
        }
        long timestamp = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(claim.url())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Refinery-Webhooks/1")
                .header("webhook-id", claim.eventId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", WebhookSignature.header(claim.secrets(), claim.eventId(), timestamp, claim.body()))
                .POST(HttpRequest.BodyPublishers.ofString(claim.body()))
                .build();
        return http.sendAsync(request, ResponseExcerpt.handler())
                // The request timeout ends at the answer's headers; this one also bounds reading the excerpt.
                .orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, error) -> error == null ? answered(response) : failed(error));
    }

    private static DeliveryQueue.Outcome answered(HttpResponse<String> response) {
        return new DeliveryQueue.Outcome(response.statusCode(), response.body());
    }

    private static DeliveryQueue.Outcome failed(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String what;
        if (cause instanceof HttpConnectTimeoutException) {
            what = "no connection within the connect timeout";
        } else if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            what = "no complete answer within the request timeout";
        } else {
            what = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        return new DeliveryQueue.Outcome(null, ResponseExcerpt.printable(what.length() > 300 ? what.substring(0, 300) : what));
    }
}
