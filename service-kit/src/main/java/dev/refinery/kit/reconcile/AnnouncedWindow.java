package dev.refinery.kit.reconcile;

import dev.refinery.kit.problem.ApiException;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The window of {@code GET {collection}?since=..&until=..} that {@link HttpUpstream} asks an owner for: ISO-8601 times,
 * {@code since} inclusive, {@code until} exclusive, each optional. A list asked for with a window answers oldest first.
 */
public record AnnouncedWindow(OffsetDateTime since, OffsetDateTime until) {

    private static final OffsetDateTime EARLIEST = OffsetDateTime.parse("1970-01-01T00:00:00Z");
    private static final OffsetDateTime LATEST = OffsetDateTime.parse("9999-01-01T00:00:00Z");

    /** Reads the two query parameters; a time that does not parse is a 400 {@code TIME_WINDOW_INVALID} naming it. */
    public static AnnouncedWindow of(String since, String until) {
        AnnouncedWindow w = new AnnouncedWindow(parse("since", since), parse("until", until));
        if (w.since != null && w.until != null && !w.since.isBefore(w.until)) {
            throw ApiException.badRequest("TIME_WINDOW_INVALID", "since (" + since + ") must be before until (" + until + ")")
                    .with("field", "since");
        }
        return w;
    }

    /** Whether either end was given (the list is then a window, oldest first). */
    public boolean isSet() {
        return since != null || until != null;
    }

    /** The window's start for a query: {@code since}, or a time before any stored row. */
    public OffsetDateTime from() {
        return since != null ? since : EARLIEST;
    }

    /** The window's end for a query: {@code until}, or a time after any stored row. */
    public OffsetDateTime to() {
        return until != null ? until : LATEST;
    }

    private static OffsetDateTime parse(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("TIME_WINDOW_INVALID", field + " '" + value + "' is not an ISO-8601 time such as "
                    + "2026-12-07T08:00:00Z").with("field", field);
        }
    }
}
