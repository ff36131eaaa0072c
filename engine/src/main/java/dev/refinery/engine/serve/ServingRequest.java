package dev.refinery.engine.serve;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.generate.GenerationOptions;

import java.util.List;

/**
 * One completion to serve.
 *
 * @param adapter     key of the LoRA adapter in the engine's {@link AdapterCache}, or null for the base model
 * @param prompt      token ids as given, or chat messages rendered by the model's chat template
 * @param options     max tokens, temperature, top-k, top-p, seed and stop token ids (a chat prompt also stops at
 *                    its template's end-of-turn tokens)
 * @param stopStrings text that ends the completion when it appears in the output; the output stops before it
 */
public record ServingRequest(String adapter, Prompt prompt, GenerationOptions options, List<String> stopStrings) {

    public ServingRequest {
        if (prompt == null || options == null) {
            throw new EngineException.InvalidArgument("a request needs a prompt and options");
        }
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new EngineException.InvalidArgument("a stop string must not be empty");
            }
        }
    }

    /** A chat completion: the messages are rendered with the model's template, ending where the assistant speaks. */
    public static ServingRequest chat(String adapter, List<ChatMessage> messages, GenerationOptions options, String... stopStrings) {
        return new ServingRequest(adapter, new Prompt.Chat(List.copyOf(messages)), options, List.of(stopStrings));
    }

    /** A continuation of plain text (OpenAI's completions): BOS, then the text's tokens; it also stops at end-of-text. */
    public static ServingRequest text(String adapter, String text, GenerationOptions options, String... stopStrings) {
        return new ServingRequest(adapter, new Prompt.Text(text), options, List.of(stopStrings));
    }

    /** A completion of token ids given as they are (include BOS if the model wants it). */
    public static ServingRequest tokens(String adapter, int[] ids, GenerationOptions options, String... stopStrings) {
        return new ServingRequest(adapter, new Prompt.Tokens(ids.clone()), options, List.of(stopStrings));
    }

    /** What the completion continues. */
    public sealed interface Prompt {
        record Tokens(int[] ids) implements Prompt {
        }

        record Chat(List<ChatMessage> messages) implements Prompt {
        }

        record Text(String text) implements Prompt {
        }
    }
}
