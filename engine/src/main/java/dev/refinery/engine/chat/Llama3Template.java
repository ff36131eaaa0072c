package dev.refinery.engine.chat;

import dev.refinery.engine.tokenizer.Tokenizer;

import java.util.List;

/**
 * The Llama 3 instruct format:
 * <pre>
 *   &lt;|begin_of_text|&gt;
 *   &lt;|start_header_id|&gt;role&lt;|end_header_id|&gt;\n\ncontent&lt;|eot_id|&gt;       for each message
 *   &lt;|start_header_id|&gt;assistant&lt;|end_header_id|&gt;\n\n                  generation prompt
 * </pre>
 * Content is trimmed of surrounding whitespace, as Meta's own template does. The text between two
 * markers is encoded in one piece, except that an assistant answer is encoded apart from the
 * "\n\n" of its header, as it is generated after the prompt ends there. The mask covers
 * assistant content and its {@code <|eot_id|>}. Roles: system, user, assistant.
 */
public final class Llama3Template implements ChatTemplate {

    private final Tokenizer tokenizer;
    private final int beginOfText;
    private final int startHeader;
    private final int endHeader;
    private final int endOfTurn;

    public Llama3Template(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.beginOfText = SpecialTokens.require(tokenizer, "<|begin_of_text|>", name());
        this.startHeader = SpecialTokens.require(tokenizer, "<|start_header_id|>", name());
        this.endHeader = SpecialTokens.require(tokenizer, "<|end_header_id|>", name());
        this.endOfTurn = SpecialTokens.require(tokenizer, "<|eot_id|>", name());
    }

    @Override
    public String name() {
        return "llama3";
    }

    @Override
    public EncodedChat encodeForTraining(List<ChatMessage> messages) {
        ChatValidation.check(messages, ChatValidation.BASIC_ROLES, name(), true);
        return turns(messages).build();
    }

    @Override
    public int[] encodePrompt(List<ChatMessage> messages) {
        ChatValidation.check(messages, ChatValidation.BASIC_ROLES, name(), false);
        TokenSequenceBuilder out = turns(messages);
        header(out, "assistant");
        return out.ids();
    }

    @Override
    public int[] stopTokenIds() {
        return SpecialTokens.withEos(tokenizer, endOfTurn);
    }

    private TokenSequenceBuilder turns(List<ChatMessage> messages) {
        TokenSequenceBuilder out = new TokenSequenceBuilder(tokenizer);
        out.appendToken(beginOfText, false);
        for (ChatMessage m : messages) {
            if (m.role().equals("assistant")) {
                // Split where generation starts: the prompt ends with the header, the answer follows it.
                boolean trained = ChatValidation.trains(m);
                header(out, m.role());
                out.appendText(m.content().strip(), trained, false);
                out.appendToken(endOfTurn, trained);
            } else {
                // One piece, as a tokenizer sees the text between two markers of the rendered chat.
                out.appendToken(startHeader, false);
                out.appendText(m.role(), false, false);
                out.appendToken(endHeader, false);
                out.appendText("\n\n" + m.content().strip(), false, false);
                out.appendToken(endOfTurn, false);
            }
        }
        return out;
    }

    private void header(TokenSequenceBuilder out, String role) {
        out.appendToken(startHeader, false);
        out.appendText(role, false, false);
        out.appendToken(endHeader, false);
        out.appendText("\n\n", false, false);
    }
}
