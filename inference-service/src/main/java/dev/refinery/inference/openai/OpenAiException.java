package dev.refinery.inference.openai;

/**
 * An error of the OpenAI-compatible API, answered in OpenAI's error shape ({@code {"error": {"message", "type", "param",
 * "code"}}}) so that OpenAI's client libraries read it: {@code code} is our stable machine-readable code, {@code param} the
 * request field at fault.
 */
public class OpenAiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Integer retryAfterSeconds;

    public OpenAiException(int status, String type, String code, String param, String message, Integer retryAfterSeconds) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400: the request is wrong, {@code param} says where. */
    public static OpenAiException invalid(String code, String param, String message) {
        return new OpenAiException(400, "invalid_request_error", code, param, message, null);
    }

    /** 404: no such model for this project (another project's model answers the same). */
    public static OpenAiException modelNotFound(String model) {
        return new OpenAiException(404, "invalid_request_error", "model_not_found", "model", "The model '" + model
                + "' does not exist or this project cannot use it; GET /v1/models lists the ones it can.", null);
    }

    /** 422: the model exists but what it is made of cannot be served (its files are missing or broken); not worth a retry. */
    public static OpenAiException unservable(String model, String why) {
        return new OpenAiException(422, "invalid_request_error", "model_unreadable", "model", "Model '" + model + "' cannot be served: "
                + why + ".", null);
    }

    /** 503: the service stopped the answer (shutting down, or the model was unloaded); asking again works. */
    public static OpenAiException engineStopped() {
        return new OpenAiException(503, "server_error", "engine_stopped", null, "The server stopped this answer before it was complete "
                + "(it is shutting down or unloaded the model); ask again.", 1);
    }

    /** 500: something failed on our side; the message says what, never a stack trace. */
    public static OpenAiException internal(String what) {
        return new OpenAiException(500, "server_error", "internal_error", null, "The server failed while " + what
                + "; the failure is in its log.", null);
    }

    /** 429: the engine's queue is full; try again after the given seconds. */
    public static OpenAiException busy(String message, int retryAfterSeconds) {
        return new OpenAiException(429, "rate_limit_error", "engine_busy", null, message, retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
