package dev.refinery.eval.service;

/**
 * An evaluation that cannot succeed however often it is retried (no adapter, no test split, an
 * engine error on this model or data). It ends the evaluation FAILED with {@link #code()} and the
 * message as the failure reason.
 */
public class EvaluationFailure extends RuntimeException {

    private final String code;

    public EvaluationFailure(String code, String reason) {
        super(reason);
        this.code = code;
    }

    public EvaluationFailure(String code, String reason, Throwable cause) {
        super(reason, cause);
        this.code = code;
    }

    /** Stable code such as {@code EVAL_ADAPTER_MISSING}. */
    public String code() {
        return code;
    }
}
