package dev.refinery.training.rest;

import dev.refinery.kit.problem.ApiException;
import dev.refinery.training.service.JobService;

import java.util.regex.Pattern;

/** The tenant named by a request header: letters, digits, '-', '_' and '.', at most 100; "default" when absent. */
final class TenantIds {

    private static final Pattern TENANT = Pattern.compile("^[A-Za-z0-9._-]{1,100}$");

    private TenantIds() {
    }

    static String of(String raw) {
        if (raw == null || raw.isBlank()) {
            return JobService.DEFAULT_TENANT;
        }
        String t = raw.strip();
        if (!TENANT.matcher(t).matches()) {
            throw ApiException.badRequest("TENANT_ID_INVALID", "tenant ids are 1 to 100 letters, digits, '.', '_' or '-'").with("field", "tenant");
        }
        return t;
    }
}
