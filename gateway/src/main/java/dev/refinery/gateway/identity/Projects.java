package dev.refinery.gateway.identity;

import dev.refinery.identity.Tenants;
import dev.refinery.kit.problem.ApiException;

import java.util.regex.Pattern;

/** Project ids: what the services store as the tenant of every resource. */
public final class Projects {

    /** The project (and organization) of the bootstrap key, and of everything made before tenants existed. */
    public static final String DEFAULT = Tenants.DEFAULT;

    /** A subset of what the event contracts allow for a tenant, and easy to type. */
    private static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,62}$");

    private Projects() {
    }

    public static String checkedId(String id, String field) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ApiException.badRequest("PROJECT_ID_INVALID", "a project id is 1 to 63 lower-case letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit").with("field", field);
        }
        return id;
    }
}
