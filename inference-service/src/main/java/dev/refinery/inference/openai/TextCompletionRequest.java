package dev.refinery.inference.openai;

/** A text completion request ({@code POST /v1/completions}) as this service serves it, after {@link TextRequestParser} checked it. */
public record TextCompletionRequest(String model, String prompt, Sampling sampling) {
}
