package dev.refinery.engine.chat;

import java.util.List;

/**
 * One preference pair: the conversation so far and two answers to it, the one people preferred and the other.
 *
 * @param prompt   the turns before the answer (assistant turns here are context)
 * @param chosen   the preferred answer's turns
 * @param rejected the other answer's turns
 */
public record PreferenceRecord(List<ChatMessage> prompt, List<ChatMessage> chosen, List<ChatMessage> rejected) {
}
