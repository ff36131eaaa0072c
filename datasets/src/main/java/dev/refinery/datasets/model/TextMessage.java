package dev.refinery.datasets.model;

/**
 * One turn of a record as the tokenizer sees it, whatever format the record came in: a conversation's
 * message, an instruction's prompt (role user) or completion (role assistant), a text record (role
 * {@code text}), or a preference record's input and outputs. {@code text} is the message's text with
 * content parts joined; tool calls are their JSON. {@code trained} says whether the loss covers the
 * turn's tokens (an assistant turn with weight 1, a completion, a whole text record).
 */
public record TextMessage(String role, String text, boolean trained) {

    public TextMessage {
        if (role == null || text == null) {
            throw new IllegalArgumentException("role and text are required");
        }
    }
}
