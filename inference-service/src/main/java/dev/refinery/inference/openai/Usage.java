package dev.refinery.inference.openai;

/** Tokens of a request: the rendered prompt and the answer, counted with the model's tokenizer. */
public record Usage(int prompt_tokens, int completion_tokens, int total_tokens) {

    public static Usage of(int prompt, int completion) {
        return new Usage(prompt, completion, prompt + completion);
    }
}
