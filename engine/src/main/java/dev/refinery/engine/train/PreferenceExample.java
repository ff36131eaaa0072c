package dev.refinery.engine.train;

import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.chat.ChatTemplate;
import dev.refinery.engine.chat.PreferenceRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * One preference pair as token sequences: the same prompt followed by the chosen and by the rejected answer, each
 * with a loss mask on the answer's tokens only (assistant turns inside the prompt are context, not targets).
 */
public record PreferenceExample(TrainingExample chosen, TrainingExample rejected) {

    public static PreferenceExample of(ChatTemplate template, PreferenceRecord pair) {
        return new PreferenceExample(encode(template, pair.prompt(), pair.chosen()), encode(template, pair.prompt(), pair.rejected()));
    }

    private static TrainingExample encode(ChatTemplate template, List<ChatMessage> prompt, List<ChatMessage> answer) {
        List<ChatMessage> conversation = new ArrayList<>(prompt.size() + answer.size());
        for (ChatMessage m : prompt) {
            conversation.add(new ChatMessage(m.role(), m.content(), 0));
        }
        for (ChatMessage m : answer) {
            conversation.add(new ChatMessage(m.role(), m.content(), 1));
        }
        return TrainingExample.of(template.encodeForTraining(conversation));
    }
}
