package dev.refinery.engine.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * One preference pair: the conversation so far and two answers to it, the one people preferred and the other.
 *
 * @param prompt   the turns before the answer (assistant turns here are context)
 * @param chosen   the preferred answer's turns
 * @param rejected the other answer's turns
 */
public record PreferenceRecord(List<ChatMessage> prompt, List<ChatMessage> chosen, List<ChatMessage> rejected) {

    /** The prompt followed by the preferred answer, the answer's turns alone to be learnt or scored. */
    public List<ChatMessage> chosenConversation() {
        return conversation(chosen);
    }

    /** The prompt followed by the other answer, the answer's turns alone to be learnt or scored. */
    public List<ChatMessage> rejectedConversation() {
        return conversation(rejected);
    }

    /** Assistant turns inside the prompt are context (weight 0), the answer's turns targets (weight 1). */
    private List<ChatMessage> conversation(List<ChatMessage> answer) {
        List<ChatMessage> out = new ArrayList<>(prompt.size() + answer.size());
        for (ChatMessage m : prompt) {
            out.add(new ChatMessage(m.role(), m.content(), 0));
        }
        for (ChatMessage m : answer) {
            out.add(new ChatMessage(m.role(), m.content(), 1));
        }
        return out;
    }
}
