package dev.refinery.datasets.tokens;

/**
 * What to do with records whose tokens exceed the model's context length. There is no default: the
 * user chooses, and the report says which was chosen and what it cost.
 */
public enum OverContextPolicy {

    /** Leave such records out of the training set; they cost nothing and teach nothing. */
    DROP,

    /**
     * Keep the first {@code context} tokens of such records, as OpenAI does ("examples over the limit will
     * be truncated"). For a conversation that means the system prompt and the earliest turns stay and the
     * end is cut, often the assistant's last answer, so a truncated record may train on less than it
     * seems to or on nothing. A truncated record is still billed at {@code context} tokens; its trained
     * tokens are counted as min(trained, context), an upper bound, because which of them survive
     * depends on where they sit.
     */
    TRUNCATE,

    /** Refuse the dataset: the validation fails, naming the records and by how many tokens each is over. */
    FAIL
}
