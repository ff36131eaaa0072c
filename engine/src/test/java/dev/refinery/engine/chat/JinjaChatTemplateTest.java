package dev.refinery.engine.chat;

import dev.refinery.engine.EngineException;
import dev.refinery.engine.tokenizer.HfFixtures;
import dev.refinery.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static dev.refinery.engine.chat.BuiltInTemplatesTest.LLAMA3_LIKE;
import static dev.refinery.engine.chat.BuiltInTemplatesTest.QWEN_LIKE;
import static dev.refinery.engine.chat.ChatAssertions.maskedIds;
import static dev.refinery.engine.chat.ChatMessage.assistant;
import static dev.refinery.engine.chat.ChatMessage.system;
import static dev.refinery.engine.chat.ChatMessage.user;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expected texts are what Python's Jinja renders for the same template and messages with the settings
 * of transformers' apply_chat_template.
 */
class JinjaChatTemplateTest {

    private static final List<ChatMessage> WITH_SYSTEM = List.of(
            system("You are a helpful assistant."), user("Hello!"), assistant("Hi there. How can I help?"));
    private static final List<ChatMessage> WITHOUT_SYSTEM = List.of(user("Hello!"), assistant(" Hi! "), user("Bye"));

    private static final Tokenizer LLAMA2_LIKE = HfFixtures.llama2Style();

    private static JinjaChatTemplate chatMl(String template) {
        return new JinjaChatTemplate(template, QWEN_LIKE, null, "<|endoftext|>");
    }

    @Test
    void rendersChatMl() {
        JinjaChatTemplate t = chatMl(KnownTemplates.CHATML);
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n"
                + "<|im_start|>assistant\nHi there. How can I help?<|im_end|>\n", t.render(WITH_SYSTEM, false));
        assertEquals("<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n Hi! <|im_end|>\n<|im_start|>user\nBye<|im_end|>\n"
                + "<|im_start|>assistant\n", t.render(WITHOUT_SYSTEM, true));
    }

    @Test
    void rendersQwen2WithItsDefaultSystemPromptOnlyWhenNoneIsGiven() {
        JinjaChatTemplate t = chatMl(KnownTemplates.QWEN2);
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n"
                + "<|im_start|>assistant\nHi there. How can I help?<|im_end|>\n<|im_start|>assistant\n", t.render(WITH_SYSTEM, true));
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n"
                + "<|im_start|>assistant\n Hi! <|im_end|>\n<|im_start|>user\nBye<|im_end|>\n", t.render(WITHOUT_SYSTEM, false));
    }

    @Test
    void rendersSmolLm2() {
        JinjaChatTemplate t = chatMl(KnownTemplates.SMOLLM2);
        assertEquals("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                + "<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n Hi! <|im_end|>\n<|im_start|>user\nBye<|im_end|>\n"
                + "<|im_start|>assistant\n", t.render(WITHOUT_SYSTEM, true));
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n"
                + "<|im_start|>assistant\nHi there. How can I help?<|im_end|>\n", t.render(WITH_SYSTEM, false));
    }

    @Test
    void rendersQwen25WithIndentationAndWhitespaceControl() {
        JinjaChatTemplate t = chatMl(KnownTemplates.QWEN25);
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n Hi! <|im_end|>\n<|im_start|>user\nBye<|im_end|>\n",
                t.render(WITHOUT_SYSTEM, false));
        List<ChatMessage> tools = List.of(user("weather?"), new ChatMessage("tool", "sunny"), new ChatMessage("tool", "warm"));
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nweather?<|im_end|>\n<|im_start|>user\n<tool_response>\nsunny\n</tool_response>\n"
                + "<tool_response>\nwarm\n</tool_response><|im_end|>\n<|im_start|>assistant\n", t.render(tools, true));
    }

    @Test
    void rendersLlama3WithTrimmedContent() {
        JinjaChatTemplate t = new JinjaChatTemplate(KnownTemplates.LLAMA3, LLAMA3_LIKE, "<|begin_of_text|>", "<|eot_id|>");
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
                + "Hi there. How can I help?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", t.render(WITH_SYSTEM, true));
        assertEquals("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHi!<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>",
                t.render(WITHOUT_SYSTEM, false));
    }

    @Test
    void rendersLlama2WithTheSystemPromptInsideTheFirstInstruction() {
        JinjaChatTemplate t = new JinjaChatTemplate(KnownTemplates.LLAMA2, LLAMA2_LIKE, "<s>", "</s>");
        String expected = "<s>[INST] <<SYS>>\nYou are a helpful assistant.\n<</SYS>>\n\nHello! [/INST] Hi there. How can I help? </s>";
        assertEquals(expected, t.render(WITH_SYSTEM, false));
        assertEquals(expected, t.render(WITH_SYSTEM, true), "this template has no generation prompt");
        assertEquals("<s>[INST] Hello! [/INST] Hi! </s><s>[INST] Bye [/INST]", t.render(WITHOUT_SYSTEM, true));
    }

    @Test
    void rendersTinyLlamaZephyrFormat() {
        JinjaChatTemplate t = new JinjaChatTemplate(KnownTemplates.TINYLLAMA, LLAMA2_LIKE, "<s>", "</s>");
        assertEquals("<|system|>\nYou are a helpful assistant.</s>\n<|user|>\nHello!</s>\n<|assistant|>\nHi there. How can I help?</s>\n",
                t.render(WITH_SYSTEM, false));
        assertEquals("<|user|>\nHello!</s>\n<|assistant|>\n Hi! </s>\n<|user|>\nBye</s>\n<|assistant|>\n", t.render(WITHOUT_SYSTEM, true));
    }

    @Test
    void supportsNamespaceLoopVariablesAndPythonStringMethods() {
        String template = "{%- set ns = namespace(users=0, first_user=-1) -%}\n{%- for m in messages -%}\n  {%- if m.role == 'user' %}"
                + "{% set ns.users = ns.users + 1 %}{% if ns.first_user < 0 %}{% set ns.first_user = loop.index0 %}{% endif %}{% endif -%}\n"
                + "{%- endfor -%}\nusers={{ ns.users }} first={{ ns.first_user }} last={{ messages[-1]['role'] }}\n{% for m in messages %}\n"
                + "  {{ loop.index }}/{{ loop.length }}{% if loop.first %} first{% endif %}{% if loop.last %} last{% endif %} {{ m.role.upper() }}:"
                + " [{{ m.content.strip() }}] [{{ m.content.lstrip() }}] [{{ m.content.rstrip() }}]\n"
                + "  {% if m.content.strip().startswith('Hel') %}greeting {% endif %}{% if m.content.endswith('?') %}question {% endif %}"
                + "words={{ m.content.split() | join('_') }} parts={{ m.content.split('e') | length }} len={{ m['content'] | trim | length }}\n"
                + "{% endfor %}\n{{ messages[1:] | length }} {{ 'gen' if add_generation_prompt else 'nogen' }}{% if tools is not none %} tools{% endif %}"
                + " {{ bos_token ~ '|' ~ eos_token }}\n";
        JinjaChatTemplate t = new JinjaChatTemplate(template, QWEN_LIKE, "<s>", "</s>");
        List<ChatMessage> chat = List.of(system("Be brief."), user("  Hello there?  "), assistant("Hi, here we are."));
        assertEquals("users=1 first=1 last=assistant\n  1/3 first SYSTEM: [Be brief.] [Be brief.] [Be brief.]\nwords=Be_brief. parts=3 len=9\n"
                + "  2/3 USER: [Hello there?] [Hello there?  ] [  Hello there?]\ngreeting words=Hello_there? parts=4 len=12\n"
                + "  3/3 last ASSISTANT: [Hi, here we are.] [Hi, here we are.] [Hi, here we are.]\nwords=Hi,_here_we_are. parts=5 len=16\n"
                + "2 gen <s>|</s>", t.render(chat, true));
    }

    @Test
    void chatMlTemplateEncodesExactlyLikeTheBuiltInOne() {
        JinjaChatTemplate jinja = chatMl(KnownTemplates.CHATML);
        ChatMlTemplate builtIn = new ChatMlTemplate(QWEN_LIKE);
        List<ChatMessage> chat = List.of(system("Be brief."), user("the cat"), assistant("the cat\n\nand more"), user("ok"),
                new ChatMessage("assistant", "skip", 0), user("again"), assistant(""));
        EncodedChat a = jinja.encodeForTraining(chat);
        EncodedChat b = builtIn.encodeForTraining(chat);
        assertArrayEquals(b.ids(), a.ids());
        assertArrayEquals(b.assistantMask(), a.assistantMask());
        assertArrayEquals(builtIn.encodePrompt(chat.subList(0, 4)), jinja.encodePrompt(chat.subList(0, 4)));
        ChatAssertions.assertPromptIsPrefixOfTraining(jinja, chat);
    }

    @Test
    void llama3TemplateEncodesExactlyLikeTheBuiltInOne() {
        JinjaChatTemplate jinja = new JinjaChatTemplate(KnownTemplates.LLAMA3, LLAMA3_LIKE, "<|begin_of_text|>", "<|eot_id|>");
        Llama3Template builtIn = new Llama3Template(LLAMA3_LIKE);
        EncodedChat a = jinja.encodeForTraining(WITH_SYSTEM);
        EncodedChat b = builtIn.encodeForTraining(WITH_SYSTEM);
        assertArrayEquals(b.ids(), a.ids());
        assertArrayEquals(b.assistantMask(), a.assistantMask());
        assertArrayEquals(builtIn.encodePrompt(WITH_SYSTEM.subList(0, 2)), jinja.encodePrompt(WITH_SYSTEM.subList(0, 2)));
    }

    @Test
    void tinyLlamaMasksTheAnswerAndItsEosButNotTheNewlineAfter() {
        JinjaChatTemplate t = new JinjaChatTemplate(KnownTemplates.TINYLLAMA, LLAMA2_LIKE, "<s>", "</s>");
        EncodedChat chat = t.encodeForTraining(WITH_SYSTEM);
        int[] masked = maskedIds(chat);
        assertEquals(2, masked[masked.length - 1], "the last trained token is </s>");
        assertEquals("Hi there. How can I help?", LLAMA2_LIKE.decode(masked));
        assertFalse(chat.assistantMask()[chat.length() - 1]);
        assertEquals(LLAMA2_LIKE.encodeContinuation("Hi there. How can I help?", true).length + 1, masked.length,
                "the content follows the header text, so it is encoded without a prefix");
        ChatAssertions.assertPromptIsPrefixOfTraining(t, WITH_SYSTEM);
        assertArrayEquals(new int[] {2}, t.stopTokenIds());
    }

    @Test
    void llama2AnswerFollowsTheInstructionWithoutAHeader() {
        JinjaChatTemplate t = new JinjaChatTemplate(KnownTemplates.LLAMA2, LLAMA2_LIKE, "<s>", "</s>");
        List<ChatMessage> chat = List.of(system("Be brief."), user("Hello!"), assistant("Hi."), user("Bye"), assistant("Bye."));
        EncodedChat encoded = t.encodeForTraining(chat);
        assertEquals("Hi. Bye. ", LLAMA2_LIKE.decode(maskedIds(encoded)).replace("  ", " "));
        ChatAssertions.assertPromptIsPrefixOfTraining(t, chat);
        EngineException e = assertThrows(EngineException.InvalidChat.class,
                () -> t.encodeForTraining(List.of(user("a"), user("b"), assistant("c"))));
        assertTrue(e.getMessage().contains("Conversation roles must alternate"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"CHATML", "QWEN2", "SMOLLM2", "QWEN25"})
    void chatMlFamilyKeepsThePrefixProperty(String name) throws ReflectiveOperationException {
        String template = (String) KnownTemplates.class.getDeclaredField(name).get(null);
        JinjaChatTemplate t = chatMl(template);
        List<ChatMessage> chat = List.of(user("Hello!"), assistant("Hi!"), user("Tell me more."), assistant("More."));
        ChatAssertions.assertPromptIsPrefixOfTraining(t, chat);
        assertEquals("Hi!More.", QWEN_LIKE.decode(maskedIds(t.encodeForTraining(chat))));
        assertArrayEquals(new int[] {HfFixtures.ENDOFTEXT, HfFixtures.IM_END}, t.stopTokenIds());
    }

    @Test
    void templatesThatRewriteEarlierTurnsAreRejected() {
        JinjaChatTemplate t = chatMl("{{ messages|length }}:{% for m in messages %}{{ m.content }}<|im_end|>{% endfor %}");
        EngineException e = assertThrows(EngineException.InvalidChat.class,
                () -> t.encodeForTraining(List.of(user("a"), assistant("b"))));
        assertTrue(e.getMessage().contains("not incremental"), e.getMessage());
    }

    @Test
    void assistantTurnsMustStartWithTheGenerationPrompt() {
        JinjaChatTemplate t = chatMl("{% for m in messages %}{% if m.role == 'user' %}U: {{ m.content }}\n{% else %}A: {{ m.content }}"
                + "<|im_end|>\n{% endif %}{% endfor %}{% if add_generation_prompt %}ASSISTANT: {% endif %}");
        EngineException e = assertThrows(EngineException.InvalidChat.class,
                () -> t.encodeForTraining(List.of(user("a"), assistant("b"))));
        assertTrue(e.getMessage().contains("generation prompt"), e.getMessage());
    }

    @Test
    void brokenTemplatesAndRaisedExceptionsBecomeInvalidChat() {
        EngineException syntax = assertThrows(EngineException.InvalidChat.class,
                () -> chatMl("{% for m in messages %}{{ m.content }<|im_end|>").render(WITH_SYSTEM, false));
        assertTrue(syntax.getMessage().startsWith("the chat template"), syntax.getMessage());
        JinjaChatTemplate raising = chatMl("{{ raise_exception('System role not supported') }}<|im_end|>");
        EngineException raised = assertThrows(EngineException.InvalidChat.class, () -> raising.render(WITH_SYSTEM, false));
        assertEquals("the chat template rejected the conversation: System role not supported", raised.getMessage());
    }

    @Test
    void rolesAreCheckedBeforeRendering() {
        JinjaChatTemplate t = chatMl(KnownTemplates.CHATML);
        assertThrows(EngineException.InvalidChat.class, () -> t.encodeForTraining(List.of(user("a"), new ChatMessage("bot", "b"))));
        assertThrows(EngineException.InvalidChat.class, () -> t.encodeForTraining(List.of(user("a"))));
        assertThrows(EngineException.InvalidChat.class, () -> t.encodePrompt(List.of()));
    }

    @Test
    void messageTextIsRenderedAsTextNeverAsTemplateCode() {
        String code = "{{ 'x' ~ 'y' }}";
        JinjaChatTemplate t = chatMl(KnownTemplates.CHATML);
        List<ChatMessage> chat = List.of(user(code), assistant("{% for i in range(3) %}z{% endfor %}"));
        assertEquals("<|im_start|>user\n" + code + "<|im_end|>\n<|im_start|>assistant\n{% for i in range(3) %}z{% endfor %}<|im_end|>\n",
                t.render(chat, false));
        // Counted and trained as the literal text too: the answer's tokens are those of its own characters.
        assertEquals("{% for i in range(3) %}z{% endfor %}", QWEN_LIKE.decode(maskedIds(t.encodeForTraining(chat))));
    }

    @Test
    void aRenderingThatRunsPastItsTimeLimitFailsInsteadOfHanging() {
        // A billion loop iterations that write nothing: only the time limit stops it.
        String endless = "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}{% set x = a %}"
                + "{% endfor %}{% endfor %}{% endfor %}<|im_end|>";
        JinjaChatTemplate t = new JinjaChatTemplate(endless, QWEN_LIKE, null, "<|endoftext|>",
                new RenderLimits(java.time.Duration.ofMillis(300), RenderLimits.DEFAULT.maxOutputChars()));
        long start = System.nanoTime();
        EngineException e = assertThrows(EngineException.InvalidChat.class, () -> t.render(WITH_SYSTEM, false));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals("the chat template took longer than 300 ms to render (its limit per rendering)", e.getMessage());
        assertTrue(tookMs < 5_000, "stopped after " + tookMs + " ms");
    }

    @Test
    void aRenderingLargerThanItsSizeLimitFails() {
        JinjaChatTemplate t = new JinjaChatTemplate(KnownTemplates.CHATML, QWEN_LIKE, null, "<|endoftext|>",
                new RenderLimits(RenderLimits.DEFAULT.timeLimit(), 1_000));
        EngineException e = assertThrows(EngineException.InvalidChat.class, () -> t.render(List.of(user("a".repeat(2_000))), false));
        assertTrue(e.getMessage().startsWith("the chat template's output is larger than 1000 characters"), e.getMessage());
    }

    @Test
    void strftimeNowFormatsTheCurrentDate() {
        String year = String.valueOf(java.time.LocalDate.now().getYear());
        assertTrue(JinjaRenderer.strftimeNow("%d %b %Y").endsWith(year));
        assertEquals("100%", JinjaRenderer.strftimeNow("100%%"));
    }
}
