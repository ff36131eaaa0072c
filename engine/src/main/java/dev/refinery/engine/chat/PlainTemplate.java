package dev.refinery.engine.chat;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.tokenizer.Tokenizer;

import java.util.List;

/**
 * For base models without a chat format, such as stories260K: the conversation as plain text.
 *
 * <p>Layout, in tokens:
 * <pre>
 *   BOS                                  (left out when the tokenizer has none)
 *   encode(system content + "\n")        for each system message
 *   encode(user content + "\n")          for each user message
 *   encode(assistant content) EOS        for each assistant message; masked when its weight is 1
 * </pre>
 * Each {@code encode} is a separate call, so a llama2.c tokenizer adds its dummy-prefix space before
 * each message, as run.c does before a prompt. The prompt is the same layout up to the end, with
 * nothing after the last message: the model simply continues the text. Generation stops on EOS or
 * BOS, because stories260K ends a story by starting the next one with BOS.
 */
public final class PlainTemplate implements ChatTemplate {

    private final Tokenizer tokenizer;

    public PlainTemplate(Tokenizer tokenizer) {
        if (tokenizer.eosId() < 0) {
            throw new EngineException.TokenizerMismatch("the plain chat template needs an EOS token to end assistant turns,"
                    + " and this tokenizer has none");
        }
        this.tokenizer = tokenizer;
    }

    @Override
    public String name() {
        return "plain";
    }

    @Override
    public EncodedChat encodeForTraining(List<ChatMessage> messages) {
        ChatValidation.check(messages, ChatValidation.BASIC_ROLES, name(), true);
        return encode(messages).build();
    }

    @Override
    public int[] encodePrompt(List<ChatMessage> messages) {
        ChatValidation.check(messages, ChatValidation.BASIC_ROLES, name(), false);
        return encode(messages).ids();
    }

    @Override
    public int[] stopTokenIds() {
        int eos = tokenizer.eosId();
        int bos = tokenizer.bosId();
        return bos < 0 || bos == eos ? new int[] {eos} : new int[] {eos, bos};
    }

    private TokenSequenceBuilder encode(List<ChatMessage> messages) {
        TokenSequenceBuilder out = new TokenSequenceBuilder(tokenizer);
        if (tokenizer.bosId() >= 0) {
            out.appendToken(tokenizer.bosId(), false);
        }
        for (ChatMessage m : messages) {
            if (m.role().equals("assistant")) {
                boolean trained = ChatValidation.trains(m);
                out.appendIds(tokenizer.encode(m.content()), trained);
                out.appendToken(tokenizer.eosId(), trained);
            } else {
                out.appendIds(tokenizer.encode(m.content() + "\n"), false);
            }
        }
        return out;
    }
}
