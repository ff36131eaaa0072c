package dev.refinery.engine.chat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks every template must pass. */
final class ChatAssertions {

    private ChatAssertions() {
    }

    /**
     * For each assistant turn k, the prompt for the messages before it must be exactly the start of the
     * training encoding, and training must begin right there: the prompt's last token is context, the
     * next one (when the turn is trained) is the first masked token.
     */
    static void assertPromptIsPrefixOfTraining(ChatTemplate template, List<ChatMessage> messages) {
        EncodedChat training = template.encodeForTraining(messages);
        int checked = 0;
        for (int k = 1; k < messages.size(); k++) {
            ChatMessage m = messages.get(k);
            if (!m.role().equals("assistant")) {
                continue;
            }
            int[] prompt = template.encodePrompt(messages.subList(0, k));
            assertTrue(prompt.length < training.length(), "prompt longer than training for turn " + k);
            assertArrayEquals(prompt, Arrays.copyOf(training.ids(), prompt.length), "prompt of turn " + k + " is not a prefix");
            assertFalse(training.assistantMask()[prompt.length - 1], "prompt end of turn " + k + " is masked");
            if (m.weight() == 1) {
                assertTrue(training.assistantMask()[prompt.length], "turn " + k + " does not start training right after its prompt");
            }
            checked++;
        }
        assertTrue(checked > 0, "the conversation has no assistant turn after the first message");
    }

    static int[] maskedIds(EncodedChat chat) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < chat.length(); i++) {
            if (chat.assistantMask()[i]) {
                out.add(chat.ids()[i]);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }
}
