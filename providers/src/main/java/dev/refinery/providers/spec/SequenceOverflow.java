package dev.refinery.providers.spec;

/** What happens to an example longer than {@link SpecField#MAX_SEQ_LEN}: the job fails, or the example is truncated or dropped. */
public enum SequenceOverflow {
    FAIL,
    TRUNCATE,
    DROP
}
