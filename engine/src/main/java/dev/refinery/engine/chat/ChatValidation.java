package dev.refinery.engine.chat;

import dev.refinery.engine.EngineException;

import java.util.List;
import java.util.Set;

/** The checks every template makes before encoding, so that all report bad chats the same way. */
final class ChatValidation {

    static final Set<String> BASIC_ROLES = Set.of("system", "user", "assistant");
    static final Set<String> ROLES_WITH_TOOL = Set.of("system", "user", "assistant", "tool");

    private ChatValidation() {
    }

    static void check(List<ChatMessage> messages, Set<String> allowedRoles, String templateName, boolean forTraining) {
        if (messages == null || messages.isEmpty()) {
            throw new EngineException.InvalidChat("the conversation has no messages");
        }
        boolean hasAssistant = false;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m == null || m.role() == null) {
                throw new EngineException.InvalidChat("message " + i + " has no role");
            }
            if (!allowedRoles.contains(m.role())) {
                throw new EngineException.InvalidChat("message " + i + " has role '" + m.role() + "', which the "
                        + templateName + " template does not support (allowed: " + String.join(", ", sorted(allowedRoles)) + ")");
            }
            if (m.content() == null) {
                throw new EngineException.InvalidChat("message " + i + " (" + m.role() + ") has no content");
            }
            if (m.weight() != 0 && m.weight() != 1) {
                throw new EngineException.InvalidChat("message " + i + " has weight " + m.weight() + "; it must be 0 or 1");
            }
            hasAssistant |= m.role().equals("assistant");
        }
        if (forTraining && !hasAssistant) {
            throw new EngineException.InvalidChat("the conversation has no assistant message to train on");
        }
    }

    static boolean trains(ChatMessage m) {
        return m.role().equals("assistant") && m.weight() == 1;
    }

    private static List<String> sorted(Set<String> roles) {
        return List.of("system", "user", "assistant", "tool").stream().filter(roles::contains).toList();
    }
}
