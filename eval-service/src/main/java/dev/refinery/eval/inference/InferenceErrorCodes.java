package dev.refinery.eval.inference;

/** The stable codes an inference failure ends an evaluation with ({@code EvaluationFailure.code()}). */
public final class InferenceErrorCodes {

    /** The endpoint kept failing (429, 5xx, no answer) after every attempt, or refused the request itself (other 4xx). */
    public static final String ENDPOINT_ERROR = "EVAL_ENDPOINT_ERROR";
    /** A 2xx answer that is not a chat completion: not JSON, no choices, no message content. */
    public static final String ENDPOINT_GARBAGE = "EVAL_ENDPOINT_GARBAGE";
    /** The model does not exist there (404, {@code model_not_found}), or on Fireworks no deployment serves it. */
    public static final String MODEL_GONE = "EVAL_MODEL_GONE";
    /** The endpoint refused the API key (401, 403). */
    public static final String ENDPOINT_UNAUTHORIZED = "EVAL_ENDPOINT_UNAUTHORIZED";
    /** The provider no longer serves this model (a serving cutoff has passed); refused before any call. */
    public static final String MODEL_RETIRED = "EVAL_MODEL_RETIRED";

    private InferenceErrorCodes() {
    }
}
