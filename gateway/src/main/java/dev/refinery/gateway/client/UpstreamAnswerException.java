package dev.refinery.gateway.client;

/**
 * A service answered with something other than success where the gateway meant to use the answer
 * (e.g. to combine it with another): the answer goes to the caller unchanged instead.
 */
public class UpstreamAnswerException extends RuntimeException {

    private final transient UpstreamResponse response;

    public UpstreamAnswerException(UpstreamResponse response) {
        super(response.upstream().serviceName() + " answered " + response.status(), null, false, false);
        this.response = response;
    }

    public UpstreamResponse response() {
        return response;
    }
}
