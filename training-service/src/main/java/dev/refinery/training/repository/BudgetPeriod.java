package dev.refinery.training.repository;

import java.time.DayOfWeek;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;

/** The calendar period (UTC) a pipeline's budget covers. */
public enum BudgetPeriod {
    DAY, WEEK, MONTH;

    /** When the period that holds {@code now} began. */
    public OffsetDateTime start(OffsetDateTime now) {
        OffsetDateTime day = now.withOffsetSameInstant(ZoneOffset.UTC).toLocalDate().atStartOfDay().atOffset(ZoneOffset.UTC);
        return switch (this) {
            case DAY -> day;
            case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> day.withDayOfMonth(1);
        };
    }
}
