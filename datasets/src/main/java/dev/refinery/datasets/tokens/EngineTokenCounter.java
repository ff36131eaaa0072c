package dev.refinery.datasets.tokens;

import dev.refinery.datasets.model.TextMessage;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.chat.ChatTemplate;
import dev.refinery.engine.chat.EncodedChat;
import dev.refinery.engine.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Open models, with the engine's own tokenizer and chat template: a record counts exactly the tokens
 * the engine would train on, because it is encoded by the same {@link ChatTemplate#encodeForTraining}.
 * {@code trained} is the engine's assistant mask: trained assistant turns with their end-of-turn marker.
 *
 * <p>Records that are not a trainable chat (a text record, no assistant turn, a role or layout the
 * model's template refuses) are counted in the text layout instead: BOS, each turn's text, EOS (each
 * only when the tokenizer has it). The record rules report such records on their own; the count is
 * still what the tokens of their text would cost.
 *
 * <p>Thread-safe: the engine's tokenizers are read-only apart from a concurrent word cache, and its
 * templates build a fresh sequence (and, for Jinja, a fresh interpreter) per call.
 */
public final class EngineTokenCounter implements TokenCounter {

    private static final Set<String> CHAT_ROLES = Set.of("system", "user", "assistant", "tool");

    private final String name;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;

    /**
     * @param name what the tokenizer is, for the description ("stories260K", "tokenizer.json in /models/qwen")
     */
    public EngineTokenCounter(String name, Tokenizer tokenizer, ChatTemplate template) {
        this.name = name;
        this.tokenizer = tokenizer;
        this.template = template;
    }

    @Override
    public String description() {
        return name + " via the engine's tokenizer and " + template.name() + " chat template (exact)";
    }

    @Override
    public Accuracy accuracy() {
        return Accuracy.exact("the engine's tokenizer for " + name + ", records encoded by its " + template.name()
                + " chat template exactly as for training");
    }

    @Override
    public int countText(String text) {
        return tokenizer.encode(text).length;
    }

    @Override
    public RecordTokens count(List<TextMessage> turns) {
        if (isTrainableChat(turns)) {
            try {
                EncodedChat chat = template.encodeForTraining(asChat(turns));
                return new RecordTokens(chat.length(), chat.assistantTokenCount());
            } catch (EngineException.InvalidChat refusedByTemplate) {
                // e.g. a model template that raises on a system turn: the record rules report it
            }
        }
        return countAsText(turns);
    }

    private static boolean isTrainableChat(List<TextMessage> turns) {
        boolean hasAssistant = false;
        for (TextMessage turn : turns) {
            if (!CHAT_ROLES.contains(turn.role())) {
                return false;
            }
            hasAssistant |= turn.role().equals("assistant");
        }
        return hasAssistant;
    }

    private static List<ChatMessage> asChat(List<TextMessage> turns) {
        List<ChatMessage> chat = new ArrayList<>(turns.size());
        for (TextMessage turn : turns) {
            chat.add(new ChatMessage(turn.role(), turn.text(), turn.trained() ? 1 : 0));
        }
        return chat;
    }

    private RecordTokens countAsText(List<TextMessage> turns) {
        int total = tokenizer.bosId() >= 0 ? 1 : 0;
        int trained = 0;
        boolean lastTrained = false;
        for (TextMessage turn : turns) {
            int n = countText(turn.text());
            total += n;
            if (turn.trained()) {
                trained += n;
            }
            lastTrained = turn.trained();
        }
        if (tokenizer.eosId() >= 0) {
            total++;
            if (lastTrained) {
                trained++; // the end of a trained text is learned with it
            }
        }
        return new RecordTokens(total, trained);
    }
}
