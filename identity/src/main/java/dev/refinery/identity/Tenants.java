package dev.refinery.identity;

import java.util.regex.Pattern;

/**
 * What every service agrees on about a tenant id: its shape (the event contracts' pattern) and the tenant of everything
 * made before tenants existed.
 */
public final class Tenants {

    /** The bootstrap project, and the owner of rows and events from before tenants (those carry none). */
    public static final String DEFAULT = "default";

    /** The contracts' pattern for {@code tenant}: 1 to 100 letters, digits, '.', '_' or '-'. */
    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9._-]{1,100}$");

    private Tenants() {
    }

    public static boolean isValid(String tenant) {
        return tenant != null && ID.matcher(tenant).matches();
    }

    /** The tenant an event names, or {@link #DEFAULT} for an event written before tenants existed. */
    public static String ofEvent(String tenant) {
        return tenant == null ? DEFAULT : tenant;
    }
}
