package dev.refinery.engine.chat;

import dev.refinery.engine.tokenizer.Tokenizer;

import java.util.List;

/**
 * ChatML, as used by Qwen2 and SmolLM2:
 * <pre>
 *   &lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n     for each message
 *   &lt;|im_start|&gt;assistant\n                      generation prompt
 * </pre>
 * No default system prompt is added (Qwen2's own template adds one when the chat has none; pass it
 * explicitly, or use the model's template through {@link JinjaChatTemplate}). The markers are single
 * special tokens; role and content are encoded as text, so marker spellings inside a message stay text.
 * The text between two markers is encoded in one piece, except that an assistant answer is encoded
 * apart from its header, as it is generated after the prompt ends with that header.
 * The mask covers assistant content and its {@code <|im_end|>}, not the newline after it. Roles:
 * system, user, assistant, tool.
 */
public final class ChatMlTemplate implements ChatTemplate {

    private final Tokenizer tokenizer;
    private final int imStart;
    private final int imEnd;

    public ChatMlTemplate(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.imStart = SpecialTokens.require(tokenizer, "<|im_start|>", name());
        this.imEnd = SpecialTokens.require(tokenizer, "<|im_end|>", name());
    }

    @Override
    public String name() {
        return "chatml";
    }

    @Override
    public EncodedChat encodeForTraining(List<ChatMessage> messages) {
        ChatValidation.check(messages, ChatValidation.ROLES_WITH_TOOL, name(), true);
        return turns(messages).build();
    }

    @Override
    public int[] encodePrompt(List<ChatMessage> messages) {
        ChatValidation.check(messages, ChatValidation.ROLES_WITH_TOOL, name(), false);
        TokenSequenceBuilder out = turns(messages);
        header(out, "assistant");
        return out.ids();
    }

    @Override
    public int[] stopTokenIds() {
        return SpecialTokens.withEos(tokenizer, imEnd);
    }

    private TokenSequenceBuilder turns(List<ChatMessage> messages) {
        TokenSequenceBuilder out = new TokenSequenceBuilder(tokenizer);
        for (ChatMessage m : messages) {
            if (m.role().equals("assistant")) {
                // Split where generation starts: the prompt ends with the header, the answer follows it.
                boolean trained = ChatValidation.trains(m);
                header(out, m.role());
                out.appendText(m.content(), trained, false);
                out.appendToken(imEnd, trained);
            } else {
                // One piece, as a tokenizer sees the text between two markers of the rendered chat.
                out.appendToken(imStart, false);
                out.appendText(m.role() + "\n" + m.content(), false, false);
                out.appendToken(imEnd, false);
            }
            out.appendText("\n", false, false);
        }
        return out;
    }

    private void header(TokenSequenceBuilder out, String role) {
        out.appendToken(imStart, false);
        out.appendText(role + "\n", false, false);
    }
}
