package dev.refinery.training.service;

import dev.refinery.kit.problem.ApiException;
import dev.refinery.providers.spi.ProviderException;

/** A provider's failure as our API answers it while a request waits (a job's failure is recorded on the job instead). */
final class ProviderErrors {

    private ProviderErrors() {
    }

    static ApiException toApi(ProviderException e, String doing) {
        String detail = e.provider() + " answered while " + doing + ": " + e.getMessage();
        ApiException api = switch (e.code()) {
            case PROVIDER_AUTH_FAILED -> ApiException.unprocessable("JOB_PROVIDER_KEY_REJECTED", detail
                    + "; the API key is wrong or expired: store a new one (PUT /tenants/{tenant}/secrets/" + e.provider() + ")");
            case PROVIDER_RATE_LIMITED, PROVIDER_UNAVAILABLE -> new ApiException(503, "JOB_PROVIDER_UNAVAILABLE", "Service Unavailable",
                    detail + "; nothing was created, try again later");
            case PROVIDER_UNSUPPORTED -> ApiException.badRequest("JOB_SPEC_UNSUPPORTED", e.getMessage());
            case PROVIDER_REJECTED, PROVIDER_NOT_FOUND -> ApiException.badRequest("JOB_PROVIDER_REJECTED", detail);
            default -> new ApiException(502, "JOB_PROVIDER_ERROR", "Bad Gateway", detail);
        };
        return e.param() == null ? api.with("provider", e.provider()) : api.with("provider", e.provider()).with("field", e.param());
    }

    /**
     * A provider's failure to pause or resume a job, while the request waits: the job is as it was. A refusal (the
     * provider says the job cannot be paused or resumed now) is a conflict with the job's state at the provider.
     */
    static ApiException toApiControl(ProviderException e, String doing) {
        String detail = e.provider() + " answered while " + doing + ": " + e.getMessage() + "; the job is as it was";
        ApiException api = switch (e.code()) {
            case PROVIDER_AUTH_FAILED -> ApiException.unprocessable("JOB_PROVIDER_KEY_REJECTED", detail
                    + "; the API key is wrong or expired: store a new one (PUT /tenants/{tenant}/secrets/" + e.provider() + ")");
            case PROVIDER_RATE_LIMITED, PROVIDER_UNAVAILABLE -> new ApiException(503, "JOB_PROVIDER_UNAVAILABLE", "Service Unavailable",
                    detail + ", try again later");
            case PROVIDER_UNSUPPORTED -> ApiException.conflict("JOB_PAUSE_UNSUPPORTED", e.getMessage());
            case PROVIDER_REJECTED, PROVIDER_NOT_FOUND -> ApiException.conflict("JOB_PROVIDER_REJECTED", detail);
            default -> new ApiException(502, "JOB_PROVIDER_ERROR", "Bad Gateway", detail);
        };
        return api.with("provider", e.provider());
    }
}
