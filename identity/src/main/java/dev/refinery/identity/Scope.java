package dev.refinery.identity;

import java.util.Locale;
import java.util.Optional;

/**
 * What an API key may do. The scopes are ordered: a key with {@code write} may also read, and one with
 * {@code admin} may also write (a key that may change a thing but not look at it helps nobody).
 */
public enum Scope {
    /** Look at the tenant's resources. */
    READ,
    /** Create and change them: uploads, jobs, evaluations, cancel, rerun. */
    WRITE,
    /** Manage the tenant itself: its keys, provider secrets, webhooks, audit log. */
    ADMIN;

    public boolean covers(Scope needed) {
        return compareTo(needed) >= 0;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Scope> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (Scope s : values()) {
            if (s.wireName().equals(name.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
