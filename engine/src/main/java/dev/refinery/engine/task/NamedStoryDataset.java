package dev.refinery.engine.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.engine.EngineException;
import dev.refinery.engine.LanguageModel;
import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.generate.GenerationOptions;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's example task: "tell a story about the character I name". stories260K always opens
 * its stories its own way and usually names the heroine Lily; the task asks for a story that opens
 * with "Once upon a time, there was a little {girl|boy} named {Name}." for the requested character.
 *
 * <p>Targets are derived by program from the base model itself: the required opening is fed to the
 * base model, which continues the story greedily; the reply is the opening plus that continuation
 * cut at its last full sentence. So the fine-tune only has to learn to follow the request, not a
 * new way of writing. Everything is deterministic (greedy decoding, fixed lists), so the same base
 * model always yields the same files.
 *
 * <p>Splits: 25 girls' and 25 boys' names form the cast; each appears with six phrasings of the
 * request, and a third of those (name, phrasing) pairs are held out as the test set, so every test
 * request is an item never seen in training. Five more names per gender never appear in training at
 * all ({@code unseen-names.jsonl}): a harder check of whether the model copies a name it has never
 * been taught.
 */
public final class NamedStoryDataset {

    static final String[] GIRLS = {"Mia", "Sue", "Anna", "Lucy", "Sara", "Amy", "Jill", "Zoe", "Kate", "Sally", "Molly", "Jane",
        "Emma", "Ella", "Rose", "Kim", "Nina", "Rita", "Bella", "Daisy", "Jen", "Ann", "Liz", "Mary", "Jenny",
        "Lola", "Ruby", "Grace", "Alice", "Hannah"};
    static final String[] BOYS = {"Tom", "Ben", "Sam", "Max", "Jack", "Bob", "Mark", "Billy", "Joe", "Leo", "Jake", "Dan", "Pete",
        "Luke", "Mike", "Fred", "Peter", "Tommy", "Bill", "Ned", "Ted", "Paul", "Adam", "Eric", "Finn",
        "Jim", "Ron", "Sid", "Oscar", "Henry"};
    static final int CAST_PER_GENDER = 25;
    static final String[] REQUESTS = {
        "Write a story about a %s named %s.",
        "Tell me a story about %2$s, a little %1$s.",
        "I want a story. The hero is a %s called %s.",
        "Please tell a story where a %s named %s is the hero.",
        "Can you make up a story about a little %s, %s?",
        "Story time! The main character is %2$s, a %1$s.",
    };
    /** Tokens of story the base model writes after the opening. */
    static final int CONTINUATION_TOKENS = 40;

    /** The four files of the dataset. */
    public record Splits(List<List<ChatMessage>> train, List<List<ChatMessage>> validation,
                         List<List<ChatMessage>> test, List<List<ChatMessage>> unseenNames) {
    }

    private NamedStoryDataset() {
    }

    public static Splits generate(LanguageModel base) {
        List<List<ChatMessage>> train = new ArrayList<>();
        List<List<ChatMessage>> validation = new ArrayList<>();
        List<List<ChatMessage>> test = new ArrayList<>();
        List<List<ChatMessage>> unseen = new ArrayList<>();
        int trainSeen = 0;
        for (String gender : new String[] {"girl", "boy"}) {
            String[] names = gender.equals("girl") ? GIRLS : BOYS;
            for (int i = 0; i < names.length; i++) {
                String story = story(base, gender, names[i]);
                for (int r = 0; r < REQUESTS.length; r++) {
                    List<ChatMessage> conversation = List.of(
                            ChatMessage.user(String.format(REQUESTS[r], gender, names[i])),
                            ChatMessage.assistant(story));
                    if (i >= CAST_PER_GENDER) {
                        unseen.add(conversation);
                    } else if ((r + i) % 3 == 0) {
                        test.add(conversation);
                    } else if (trainSeen++ % 10 == 9) {
                        validation.add(conversation);
                    } else {
                        train.add(conversation);
                    }
                }
            }
        }
        return new Splits(train, validation, test, unseen);
    }

    /** The required opening followed by the base model's own continuation, cut at its last full sentence. */
    static String story(LanguageModel base, String gender, String name) {
        String opening = opening(gender, name);
        String continuation = base.reply(List.of(ChatMessage.user(opening)), GenerationOptions.greedy(CONTINUATION_TOKENS)).text();
        int cut = Math.max(continuation.lastIndexOf('.'), Math.max(continuation.lastIndexOf('!'), continuation.lastIndexOf('?')));
        if (cut > 0) {
            continuation = continuation.substring(0, cut + 1);
        }
        String rest = continuation.replace('\n', ' ').strip();
        return rest.isEmpty() ? opening : opening + " " + rest;
    }

    public static String opening(String gender, String name) {
        return "Once upon a time, there was a little " + gender + " named " + name + ".";
    }

    /** Writes train.jsonl, validation.jsonl, test.jsonl and unseen-names.jsonl into {@code dir}. */
    public static void write(Splits splits, Path dir) {
        try {
            Files.createDirectories(dir);
            writeJsonl(splits.train(), dir.resolve("train.jsonl"));
            writeJsonl(splits.validation(), dir.resolve("validation.jsonl"));
            writeJsonl(splits.test(), dir.resolve("test.jsonl"));
            writeJsonl(splits.unseenNames(), dir.resolve("unseen-names.jsonl"));
        } catch (IOException e) {
            throw new EngineException.InputError("cannot write the dataset to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** One {"messages": [...]} object per line, UTF-8, '\n' line ends. */
    public static void writeJsonl(List<List<ChatMessage>> conversations, Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (List<ChatMessage> c : conversations) {
                ObjectNode line = json.createObjectNode();
                ArrayNode messages = line.putArray("messages");
                for (ChatMessage m : c) {
                    messages.addObject().put("role", m.role()).put("content", m.content());
                }
                out.write(json.writeValueAsString(line));
                out.write('\n');
            }
        }
    }
}
