package dev.refinery.kit.problem;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error a caller can act on, answered as {@code application/problem+json} with a stable code.
 * Throw it from resources and services; {@link ProblemMappers} turns it into the response.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final Map<String, Object> details = new LinkedHashMap<>();
    private Integer retryAfterSeconds;

    public ApiException(int status, String code, String title, String detail) {
        super(detail);
        this.status = status;
        this.code = code;
        this.title = title;
    }

    public static ApiException badRequest(String code, String detail) {
        return new ApiException(400, code, "Bad request", detail);
    }

    public static ApiException notFound(String code, String detail) {
        return new ApiException(404, code, "Not found", detail);
    }

    public static ApiException conflict(String code, String detail) {
        return new ApiException(409, code, "Conflict", detail);
    }

    public static ApiException unprocessable(String code, String detail) {
        return new ApiException(422, code, "Unprocessable request", detail);
    }

    /** Adds a machine-readable detail (field, line, limit...) to the problem body. */
    public ApiException with(String key, Object value) {
        details.put(key, value);
        return this;
    }

    /** Asks the client to try again after this many seconds ({@code Retry-After}, and {@code retryAfterSeconds} in the body). */
    public ApiException retryAfter(int seconds) {
        this.retryAfterSeconds = seconds;
        return with("retryAfterSeconds", seconds);
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> details() {
        return details;
    }
}
