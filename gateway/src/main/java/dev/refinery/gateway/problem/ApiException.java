package dev.refinery.gateway.problem;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error the gateway itself answers, as {@code application/problem+json} with a stable code.
 * The same shape as the service kit's ApiException; the gateway keeps its own because it cannot
 * depend on the kit (see the module's pom). Problems the services answer pass through untouched.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;
    private final Map<String, Object> details = new LinkedHashMap<>();

    public ApiException(int status, String code, String title, String detail) {
        super(detail);
        this.status = status;
        this.code = code;
        this.title = title;
    }

    /** Adds a machine-readable member (service, timeout...) to the problem body. */
    public ApiException with(String key, Object value) {
        details.put(key, value);
        return this;
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
