package dev.refinery.training.service;

import java.util.Objects;
import java.util.Optional;

/**
 * The rule of every second stage that trains an earlier job's adapter further (the local engine, the cluster's
 * trainer): the adapter keeps its rank, alpha and target modules, so a request for another value of one of them is
 * refused with the value it must keep, never silently not honoured.
 */
final class AdapterShape {

    private AdapterShape() {
    }

    /**
     * The violation of {@code field} when the request asked for something other than the earlier job's value; empty when
     * it asked for nothing, for the same value (numbers by value: 16 and 16.0 are the same), or the earlier value is unknown.
     */
    static Optional<FieldViolation> keep(String field, Object asked, Object theirs, String sourceJobId) {
        if (asked == null || theirs == null || sameSetting(asked, theirs)) {
            return Optional.empty();
        }
        return Optional.of(FieldViolation.setting(field, asked, String.valueOf(theirs), field + " must stay " + theirs
                + ": the job continues fromJob " + sourceJobId + "'s adapter, which has that shape"));
    }

    private static boolean sameSetting(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return Objects.equals(a, b);
    }
}
