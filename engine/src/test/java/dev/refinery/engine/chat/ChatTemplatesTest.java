package dev.refinery.engine.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.tokenizer.HfFixtures;
import dev.refinery.engine.tokenizer.Llama2cTokenizer;
import dev.refinery.engine.tokenizer.RepoFiles;
import dev.refinery.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.refinery.engine.chat.ChatMessage.assistant;
import static dev.refinery.engine.chat.ChatMessage.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChatTemplatesTest {

    @Test
    void modelTemplateInTokenizerConfigWins(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), new ObjectMapper().writeValueAsString(
                Map.of("chat_template", KnownTemplates.QWEN2, "eos_token", "<|im_end|>", "bos_token", "<|endoftext|>")));
        ChatTemplate t = ChatTemplates.forModel(dir, BuiltInTemplatesTest.QWEN_LIKE);
        JinjaChatTemplate jinja = assertInstanceOf(JinjaChatTemplate.class, t);
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
                jinja.render(List.of(user("Hi")), true));
        assertEquals("jinja", t.name());
        // The same when the config file itself is given.
        assertInstanceOf(JinjaChatTemplate.class, ChatTemplates.forModel(dir.resolve("tokenizer_config.json"), BuiltInTemplatesTest.QWEN_LIKE));
    }

    @Test
    void chatTemplateJinjaFileIsUsedAndBosEosSpellingsAreFoundInTheVocabulary(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("chat_template.jinja"), "{{ bos_token }}{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}\n");
        Tokenizer tok = HfFixtures.llama2Style();
        JinjaChatTemplate t = assertInstanceOf(JinjaChatTemplate.class, ChatTemplates.forModel(dir, tok));
        assertEquals("<s>Hi</s>ok</s>", t.render(List.of(user("Hi"), assistant("ok")), false));
    }

    @Test
    void withoutATemplateTheVocabularyDecides(@TempDir Path empty) {
        assertInstanceOf(ChatMlTemplate.class, ChatTemplates.forModel(empty, BuiltInTemplatesTest.QWEN_LIKE));
        Tokenizer llama3Only = HfFixtures.byteLevelWithSpecials(BuiltInTemplatesTest.LLAMA3_SPECIALS, "<|begin_of_text|>", "<|eot_id|>", false);
        assertInstanceOf(Llama3Template.class, ChatTemplates.forModel(empty, llama3Only));
        Tokenizer stories = Llama2cTokenizer.load(RepoFiles.stories260kTokenizer(), 512);
        assertInstanceOf(PlainTemplate.class, ChatTemplates.forModel(RepoFiles.repoRoot().resolve("models/stories260K"), stories));
    }

    @Test
    void builtInTemplatesByName() {
        assertEquals("chatml", ChatTemplates.named("ChatML", BuiltInTemplatesTest.QWEN_LIKE).name());
        assertEquals("llama3", ChatTemplates.named("llama3", BuiltInTemplatesTest.LLAMA3_LIKE).name());
        assertEquals("plain", ChatTemplates.named("plain", HfFixtures.llama2Style()).name());
        assertThrows(EngineException.InvalidArgument.class, () -> ChatTemplates.named("vicuna", HfFixtures.llama2Style()));
    }
}
