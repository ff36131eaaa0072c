package dev.refinery.engine.train;

import dev.refinery.engine.chat.ChatTemplate;
import dev.refinery.engine.chat.PreferenceRecord;

/**
 * One preference pair as token sequences: the same prompt followed by the chosen and by the rejected answer, each
 * with a loss mask on the answer's tokens only (assistant turns inside the prompt are context, not targets).
 */
public record PreferenceExample(TrainingExample chosen, TrainingExample rejected) {

    public static PreferenceExample of(ChatTemplate template, PreferenceRecord pair) {
        return new PreferenceExample(TrainingExample.of(template.encodeForTraining(pair.chosenConversation())),
                TrainingExample.of(template.encodeForTraining(pair.rejectedConversation())));
    }
}
