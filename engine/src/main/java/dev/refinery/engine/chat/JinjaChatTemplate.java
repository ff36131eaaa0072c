package dev.refinery.engine.chat;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A model's own Hugging Face chat template (the Jinja {@code chat_template} of its
 * tokenizer_config.json), rendered with Jinjava configured as transformers configures Python's Jinja.
 *
 * <p>Locating assistant tokens: the template is rendered for the first 1, 2, ... n messages; the text
 * each message adds is attributed to it. For an assistant message, the part that the generation
 * prompt ({@code add_generation_prompt}) would have produced is context, and the rest is what the
 * model must learn to write: it is masked up to and including the first stop token (the end-of-turn
 * marker), not beyond. Each piece is encoded on its own (as a continuation when it follows ordinary
 * text), so a training sequence is, token for token, the prompt the engine would build for the same
 * conversation followed by the answer. Templates that rewrite earlier turns when later ones are added
 * (for example dropping past reasoning) cannot be attributed this way and are rejected with
 * {@link EngineException.InvalidChat}, as are templates that raise an exception or fail to render.
 *
 * <p>Roles are passed through to the template, which decides what it accepts; system, user, assistant
 * and tool are allowed here.
 */
public final class JinjaChatTemplate implements ChatTemplate {

    /** End-of-turn markers that stop generation when the vocabulary has them and the template uses them. */
    private static final List<String> END_OF_TURN_MARKERS = List.of(
            "<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "</s>");

    private final Tokenizer tokenizer;
    private final JinjaRenderer renderer;
    private final int[] stopIds;

    /**
     * @param bosToken spelling of BOS given to the template as {@code bos_token} (may be null)
     * @param eosToken spelling of EOS given to the template as {@code eos_token} (may be null)
     */
    public JinjaChatTemplate(String template, Tokenizer tokenizer, String bosToken, String eosToken) {
        this(template, tokenizer, bosToken, eosToken, RenderLimits.DEFAULT);
    }

    /** With other limits per rendering than {@link RenderLimits#DEFAULT} (tests). */
    JinjaChatTemplate(String template, Tokenizer tokenizer, String bosToken, String eosToken, RenderLimits limits) {
        if (template == null || template.isBlank()) {
            throw new EngineException.InvalidChat("the chat template is empty");
        }
        this.tokenizer = tokenizer;
        this.renderer = new JinjaRenderer(template, bosToken, eosToken, limits);
        this.stopIds = findStopIds(template, tokenizer, eosToken);
        if (stopIds.length == 0) {
            throw new EngineException.TokenizerMismatch("the chat template has no end-of-turn token: the tokenizer has"
                    + " no EOS and none of " + END_OF_TURN_MARKERS + " appears in both the template and the vocabulary");
        }
    }

    @Override
    public String name() {
        return "jinja";
    }

    /** The template's text for a conversation, as transformers' apply_chat_template(tokenize=False) gives it. */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        ChatValidation.check(messages, ChatValidation.ROLES_WITH_TOOL, name(), false);
        return renderer.render(messages, addGenerationPrompt);
    }

    @Override
    public EncodedChat encodeForTraining(List<ChatMessage> messages) {
        ChatValidation.check(messages, ChatValidation.ROLES_WITH_TOOL, name(), true);
        TokenSequenceBuilder out = new TokenSequenceBuilder(tokenizer);
        for (Piece piece : pieces(messages).pieces()) {
            appendPiece(out, piece);
        }
        return out.build();
    }

    @Override
    public int[] encodePrompt(List<ChatMessage> messages) {
        ChatValidation.check(messages, ChatValidation.ROLES_WITH_TOOL, name(), false);
        TokenSequenceBuilder out = new TokenSequenceBuilder(tokenizer);
        Rendering rendering = pieces(messages);
        for (Piece piece : rendering.pieces()) {
            appendPiece(out, piece);
        }
        out.appendText(generationHeader(messages, rendering.text()), false, true);
        return out.ids();
    }

    @Override
    public int[] stopTokenIds() {
        return stopIds.clone();
    }

    /** A stretch of rendered text and whether the model is trained to write it. */
    private record Piece(String text, boolean assistantOutput, boolean trained) {
    }

    /** The whole rendered text, cut into pieces that each belong to one message. */
    private record Rendering(String text, List<Piece> pieces) {
    }

    private Rendering pieces(List<ChatMessage> messages) {
        List<Piece> pieces = new ArrayList<>();
        String previous = "";
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            String upTo = renderer.render(messages.subList(0, i + 1), false);
            if (!upTo.startsWith(previous)) {
                throw new EngineException.InvalidChat("the chat template is not incremental: adding message " + i
                        + " changes the text of the messages before it, so the tokens of each turn cannot be located");
            }
            String added = upTo.substring(previous.length());
            if (message.role().equals("assistant")) {
                String header = generationHeader(messages.subList(0, i), previous);
                if (!added.startsWith(header)) {
                    throw new EngineException.InvalidChat("the chat template renders assistant message " + i
                            + " without the text of its own generation prompt (" + header.strip()
                            + "), so its content cannot be located");
                }
                pieces.add(new Piece(header, false, false));
                pieces.add(new Piece(added.substring(header.length()), true, ChatValidation.trains(message)));
            } else {
                pieces.add(new Piece(added, false, false));
            }
            previous = upTo;
        }
        return new Rendering(previous, pieces);
    }

    /** The text that add_generation_prompt appends after {@code before} (rendered without it). */
    private String generationHeader(List<ChatMessage> before, String renderedWithout) {
        String with;
        try {
            with = renderer.render(before, true);
        } catch (EngineException.InvalidChat e) {
            if (before.isEmpty()) {
                return ""; // many templates read messages[0]: an empty chat has no header to offer
            }
            throw e;
        }
        if (!with.startsWith(renderedWithout)) {
            throw new EngineException.InvalidChat("the chat template changes earlier text when add_generation_prompt is set,"
                    + " so the assistant header after message " + (before.size() - 1) + " cannot be located");
        }
        return with.substring(renderedWithout.length());
    }

    private void appendPiece(TokenSequenceBuilder out, Piece piece) {
        int[] ids = out.encode(piece.text(), true);
        if (!piece.assistantOutput() || !piece.trained()) {
            out.appendIds(ids, false);
            return;
        }
        int end = ids.length;
        for (int k = 0; k < ids.length; k++) {
            int id = ids[k];
            if (Arrays.stream(stopIds).anyMatch(stop -> stop == id)) {
                end = k + 1;
                break;
            }
        }
        out.appendIds(Arrays.copyOfRange(ids, 0, end), true);
        out.appendIds(Arrays.copyOfRange(ids, end, ids.length), false);
    }

    private static int[] findStopIds(String template, Tokenizer tokenizer, String eosToken) {
        Set<Integer> stops = new LinkedHashSet<>();
        if (eosToken != null) {
            tokenizer.tokenId(eosToken).ifPresent(stops::add);
        }
        if (tokenizer.eosId() >= 0) {
            stops.add(tokenizer.eosId());
        }
        for (String marker : END_OF_TURN_MARKERS) {
            if (template.contains(marker)) {
                tokenizer.tokenId(marker).ifPresent(stops::add);
            }
        }
        return stops.stream().mapToInt(Integer::intValue).toArray();
    }
}
