package dev.refinery.engine.chat;

import java.util.List;

/** Turns a conversation into the token layout one model family was trained on. */
public interface ChatTemplate {

    /** Short name ("plain", "chatml", "llama3", "jinja"). */
    String name();

    /**
     * Ids and assistant mask of a full training conversation. Throws
     * {@link dev.refinery.engine.EngineException.InvalidChat} when there is no assistant turn.
     */
    EncodedChat encodeForTraining(List<ChatMessage> messages);

    /** Ids of the conversation so far, ending with the header that asks the assistant to answer. */
    int[] encodePrompt(List<ChatMessage> messages);

    /** Token ids that end an assistant turn; generation stops on any of them. */
    int[] stopTokenIds();
}
