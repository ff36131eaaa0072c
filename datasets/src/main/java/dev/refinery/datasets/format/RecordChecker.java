package dev.refinery.datasets.format;

import dev.refinery.datasets.dedup.Fingerprinter;
import dev.refinery.datasets.json.JsonLineParser;
import dev.refinery.datasets.json.JsonTape;
import dev.refinery.datasets.model.TextMessage;
import dev.refinery.datasets.rules.Finding;
import dev.refinery.datasets.rules.Rule;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks one parsed record against the rules every target shares: detects its format from its keys,
 * validates the fields of that format (every problem, not only the first), and gathers its features,
 * fingerprints, turns and normalized form. Target-specific rules (roles, tools, images, minimum
 * samples) are {@code TargetRules}' job. One per thread; reused record after record.
 */
public final class RecordChecker implements CheckedRecord {

    /**
     * What to compute besides the findings; fingerprints and turns cost time, so the structural mode skips them.
     * {@code keepParallelToolCalls}: whether the validated output keeps a conversation's {@code parallel_tool_calls}
     * (the output target's format has it: OpenAI's does, Together's check refuses it as an extra column).
     */
    public record Options(boolean fingerprints, boolean turns, boolean normalize, boolean keepParallelToolCalls) {
        public static final Options STRUCTURAL = new Options(false, false, false, false);
        public static final Options FULL = new Options(true, true, true, true);
    }

    private final Options options;
    private final List<Finding> findings = new ArrayList<>();
    private final RecordFeatures features = new RecordFeatures();
    private final Fingerprinter fingerprint = new Fingerprinter();
    private final List<TextMessage> turns = new ArrayList<>();
    private final ByteBuilder normalized = new ByteBuilder();
    private final ContentChecker contents;
    private final MessageListChecker messages;
    private final ChosenRejected chosenRejected;
    private boolean errors;

    public RecordChecker(Options options, int maxDepth) {
        this.options = options;
        this.contents = new ContentChecker(this);
        this.messages = new MessageListChecker(this, contents);
        this.chosenRejected = new ChosenRejected(new JsonLineParser(maxDepth));
    }

    /** Checks the record whose root is node 0 of {@code tape} (an object: the caller has checked that). */
    public CheckedRecord check(JsonTape tape) {
        findings.clear();
        features.reset();
        turns.clear();
        normalized.clear();
        fingerprint.reset();
        errors = false;
        shortestAnswer = -1;
        RecordFormat format = detect(tape);
        if (format == null) {
            return this;
        }
        if (tape.hasCarriageReturn()) {
            features.carriageReturn = true;
            findings.add(Finding.of(Rule.CARRIAGE_RETURN, "", "a carriage return (CR) stands between the record's JSON tokens;"
                    + " the validated output leaves it out"));
        }
        features.format = format;
        switch (format) {
            case CONVERSATION -> conversation(tape);
            case INSTRUCTION -> instruction(tape);
            case TEXT -> text(tape);
            case PREFERENCE -> preference(tape, tape.get(0, Keys.INPUT) >= 0 ? null : "chosen/rejected");
            default -> throw new IllegalStateException("not a JSON format: " + format);
        }
        return this;
    }

    // ---- format detection -------------------------------------------------------------------------

    private RecordFormat detect(JsonTape tape) {
        boolean messagesKey = tape.get(0, Keys.MESSAGES) >= 0;
        boolean prompt = tape.get(0, Keys.PROMPT) >= 0;
        boolean completion = tape.get(0, Keys.COMPLETION) >= 0;
        boolean text = tape.get(0, Keys.TEXT) >= 0;
        boolean preference = tape.get(0, Keys.INPUT) >= 0 || tape.get(0, Keys.PREFERRED_OUTPUT) >= 0
                || tape.get(0, Keys.NON_PREFERRED_OUTPUT) >= 0;
        boolean chosen = tape.get(0, Keys.CHOSEN) >= 0 || tape.get(0, Keys.REJECTED) >= 0;
        boolean instruction = (prompt || completion) && !chosen;
        List<String> matched = new ArrayList<>(2);
        if (messagesKey) {
            matched.add("messages");
        }
        if (instruction) {
            matched.add("prompt/completion");
        }
        if (text) {
            matched.add("text");
        }
        if (preference) {
            matched.add("input/preferred_output/non_preferred_output");
        }
        if (chosen) {
            matched.add("chosen/rejected");
        }
        if (matched.isEmpty()) {
            error(Rule.FORMAT_UNKNOWN, "", "the record has none of the keys of a known format (found: " + keyList(tape, 0) + ")");
            return null;
        }
        if (matched.size() > 1) {
            error(Rule.FORMAT_AMBIGUOUS, "", "the record has the keys of several formats: " + String.join(", ", matched));
            return null;
        }
        if (messagesKey) {
            return RecordFormat.CONVERSATION;
        }
        if (instruction) {
            return RecordFormat.INSTRUCTION;
        }
        return text ? RecordFormat.TEXT : RecordFormat.PREFERENCE;
    }

    // ---- conversation ------------------------------------------------------------------------------

    private void conversation(JsonTape tape) {
        unknownKeys(tape, 0, "", Keys.MESSAGES, Keys.TOOLS, Keys.PARALLEL_TOOL_CALLS);
        int tools = tape.get(0, Keys.TOOLS);
        if (tools >= 0) {
            features.toolsDeclared = true;
            checkTools(tape, tools);
        }
        features.parallelToolCalls = tape.get(0, Keys.PARALLEL_TOOL_CALLS) >= 0;
        int list = tape.get(0, Keys.MESSAGES);
        messages.check(tape, list, "messages", MessageListChecker.Mode.CONVERSATION);
        if (options.normalize && !errors) {
            if (options.keepParallelToolCalls) {
                writeObject(tape, Keys.MESSAGES, Keys.TOOLS, Keys.PARALLEL_TOOL_CALLS);
            } else {
                writeObject(tape, Keys.MESSAGES, Keys.TOOLS);
            }
        }
    }

    private void checkTools(JsonTape tape, int tools) {
        if (tape.kind(tools) != JsonTape.ARRAY) {
            error(Rule.TOOLS_INVALID, "tools", "\"tools\" is " + tape.describe(tools) + ", not an array");
            return;
        }
        int i = 0;
        for (int t = tape.first(tools); t >= 0; t = tape.next(t), i++) {
            String path = "tools[" + i + "]";
            int function = tape.kind(t) == JsonTape.OBJECT ? tape.get(t, Keys.FUNCTION) : -1;
            int name = function >= 0 && tape.kind(function) == JsonTape.OBJECT ? tape.get(function, Keys.NAME) : -1;
            if (!tape.isString(name)) {
                error(Rule.TOOLS_INVALID, path, path + " needs {\"type\": \"function\", \"function\": {\"name\": \"...\"}}");
            }
        }
    }

    // ---- instruction and text ----------------------------------------------------------------------

    private void instruction(JsonTape tape) {
        unknownKeys(tape, 0, "", Keys.PROMPT, Keys.COMPLETION);
        int prompt = requireContent(tape, Keys.PROMPT, "prompt", Role.USER);
        int completion = requireContent(tape, Keys.COMPLETION, "completion", Role.ASSISTANT);
        if (prompt >= 0) {
            turn(tape, "user", prompt, false);
            fingerprint.markPrompt();
        }
        if (completion >= 0) {
            turn(tape, "assistant", completion, true);
            answer(tape, completion, "completion");
        }
        if (options.normalize && !errors) {
            writeObject(tape, Keys.PROMPT, Keys.COMPLETION);
        }
    }

    private void text(JsonTape tape) {
        unknownKeys(tape, 0, "", Keys.TEXT);
        int text = requireContent(tape, Keys.TEXT, "text", Role.USER);
        if (text >= 0) {
            turn(tape, "text", text, true);
            answer(tape, text, "text");
        }
        if (options.normalize && !errors) {
            writeObject(tape, Keys.TEXT);
        }
    }

    /**
     * A {@code prompt}, {@code completion} or {@code text} field: a string, or a list of text (and, outside
     * completions, image) parts, as Together's check reads these formats (datasets/README.md, "Decisions").
     * {@code role} is whose turn the field stands for. Returns the node when usable, else -1.
     */
    private int requireContent(JsonTape tape, byte[] key, String name, Role role) {
        int node = tape.get(0, key);
        if (node < 0) {
            error(Rule.FIELD_INVALID, name, "the record has no \"" + name + "\"");
            return -1;
        }
        int kind = tape.kind(node);
        if (kind != JsonTape.STRING && kind != JsonTape.ARRAY) {
            error(Rule.FIELD_INVALID, name, "\"" + name + "\" must be a string or a list of text parts, found " + tape.describe(node));
            return -1;
        }
        return contents.check(tape, node, role, name) != 0 ? node : -1;
    }

    // ---- preference --------------------------------------------------------------------------------

    /** {@code convertedFrom} names the spelling the record was read from when it was not the canonical one. */
    private void preference(JsonTape original, String convertedFrom) {
        JsonTape tape = original;
        if (convertedFrom != null) {
            features.chosenRejectedSpelling = true;
            unknownKeys(original, 0, "", Keys.PROMPT, Keys.CHOSEN, Keys.REJECTED);
            tape = chosenRejected.convert(original);
            if (tape == null) {
                error(Rule.PREFERENCE_INVALID, chosenRejected.problemPath(), chosenRejected.problem());
                return;
            }
        } else {
            unknownKeys(tape, 0, "", Keys.INPUT, Keys.PREFERRED_OUTPUT, Keys.NON_PREFERRED_OUTPUT);
        }
        int input = tape.get(0, Keys.INPUT);
        if (input < 0 || tape.kind(input) != JsonTape.OBJECT) {
            error(Rule.PREFERENCE_INVALID, "input", input < 0 ? "the record has no \"input\""
                    : "\"input\" must be an object with \"messages\", found " + tape.describe(input));
        } else {
            unknownKeys(tape, input, "input", Keys.MESSAGES, Keys.TOOLS, Keys.PARALLEL_TOOL_CALLS);
            int tools = tape.get(input, Keys.TOOLS);
            if (tools >= 0) {
                features.toolsDeclared = true;
                checkTools(tape, tools);
            }
            messages.check(tape, tape.get(input, Keys.MESSAGES), "input.messages", MessageListChecker.Mode.PREFERENCE_INPUT);
        }
        fingerprint.markPrompt();
        output(tape, Keys.PREFERRED_OUTPUT, "preferred_output");
        output(tape, Keys.NON_PREFERRED_OUTPUT, "non_preferred_output");
        if (options.normalize && !errors) {
            writeObject(tape, Keys.INPUT, Keys.PREFERRED_OUTPUT, Keys.NON_PREFERRED_OUTPUT);
        }
    }

    private void output(JsonTape tape, byte[] key, String name) {
        int list = tape.get(0, key);
        if (list < 0 || tape.kind(list) != JsonTape.ARRAY || tape.size(list) != 1) {
            error(Rule.PREFERENCE_INVALID, name, list < 0 ? "the record has no \"" + name + "\""
                    : "\"" + name + "\" must be a list of exactly one assistant message, found "
                    + (tape.kind(list) == JsonTape.ARRAY ? tape.size(list) + " elements" : tape.describe(list)));
            return;
        }
        messages.check(tape, list, name, MessageListChecker.Mode.PREFERENCE_OUTPUT);
    }

    // ---- shared helpers (used by MessageListChecker too) -------------------------------------------

    void error(Rule rule, String path, String message) {
        findings.add(Finding.of(rule, path, message));
        errors |= rule.severity() == dev.refinery.datasets.rules.Severity.ERROR;
    }

    RecordFeatures featuresForUpdate() {
        return features;
    }

    /** Records a turn's text for tokens and fingerprints; {@code content} is a string node or a list of parts. */
    void turn(JsonTape tape, String role, int content, boolean trained) {
        features.turns++;
        for (Role r : Role.ALL) {
            if (r.id().equals(role)) {
                features.roleCounts[r.ordinal()]++;
            }
        }
        if (options.fingerprints) {
            fingerprint.beginTurn(role);
            forEachText(tape, content, node -> fingerprint.text(tape, node));
            forEachImageUrl(tape, content, node -> fingerprint.raw(tape, node)); // same words about another image: another record
        }
        if (options.turns) {
            turns.add(new TextMessage(role, textOf(tape, content), trained));
        }
    }

    /** Adds raw JSON (tool calls) to the current turn's fingerprint and to its text for tokens. */
    void toolCalls(JsonTape tape, int node) {
        if (options.fingerprints) {
            fingerprint.raw(tape, node);
        }
        if (options.turns && !turns.isEmpty()) {
            TextMessage last = turns.remove(turns.size() - 1);
            turns.add(new TextMessage(last.role(), last.text() + tape.excerpt(node, Integer.MAX_VALUE), last.trained()));
        }
    }

    void endTurn() {
        if (options.fingerprints) {
            fingerprint.endTurn();
        }
    }

    void markPrompt() {
        if (options.fingerprints) {
            fingerprint.markPrompt();
        }
    }

    private int shortestAnswer = -1;

    /** Keeps the shortest trained answer's length for the statistics; warns when it is empty. */
    void answer(JsonTape tape, int content, String path) {
        int chars = visibleChars(tape, content);
        if (shortestAnswer < 0 || chars < shortestAnswer) {
            shortestAnswer = chars;
        }
        if (chars == 0) {
            findings.add(Finding.of(Rule.EMPTY_ANSWER, path, "the answer at " + path + " is empty"));
        }
    }

    /** Answers shorter than this many visible characters count as near-empty in the statistics. */
    public static final int NEAR_EMPTY_CHARS = 10;

    /**
     * Characters other than whitespace, counted on the UTF-8 bytes up to {@link #NEAR_EMPTY_CHARS} and no
     * further: this runs on every answer, and only short answers matter.
     */
    private static int visibleChars(JsonTape tape, int content) {
        int[] n = {0};
        byte[] src = tape.source();
        forEachText(tape, content, node -> {
            for (int i = tape.contentStart(node), end = tape.contentEnd(node); i < end && n[0] < NEAR_EMPTY_CHARS; i++) {
                byte b = src[i];
                if (b == '\\' && i + 1 < end && "ntrbf".indexOf(src[i + 1]) >= 0) {
                    i++; // an escaped whitespace character
                } else if (b > ' ' || (b & 0xC0) == 0xC0) {
                    n[0]++; // visible ASCII, or the first byte of a multi-byte character
                }
            }
        });
        return n[0];
    }

    interface TextVisitor {
        void visit(int stringNode);
    }

    /** Visits a content's text: the string itself, or each text part of a list (images carry no text). */
    static void forEachText(JsonTape tape, int content, TextVisitor visitor) {
        if (content < 0) {
            return;
        }
        if (tape.kind(content) == JsonTape.STRING) {
            visitor.visit(content);
        } else if (tape.kind(content) == JsonTape.ARRAY) {
            for (int p = tape.first(content); p >= 0; p = tape.next(p)) {
                int text = tape.kind(p) == JsonTape.OBJECT ? tape.get(p, Keys.TEXT) : -1;
                if (tape.isString(text)) {
                    visitor.visit(text);
                }
            }
        }
    }

    /** Visits the URL string of each image part of a list of parts. */
    private static void forEachImageUrl(JsonTape tape, int content, TextVisitor visitor) {
        if (content < 0 || tape.kind(content) != JsonTape.ARRAY) {
            return;
        }
        for (int p = tape.first(content); p >= 0; p = tape.next(p)) {
            int holder = tape.kind(p) == JsonTape.OBJECT ? tape.get(p, Keys.IMAGE_URL) : -1;
            int url = holder >= 0 && tape.kind(holder) == JsonTape.OBJECT ? tape.get(holder, Keys.URL) : -1;
            if (tape.isString(url)) {
                visitor.visit(url);
            }
        }
    }

    private static String textOf(JsonTape tape, int content) {
        if (content >= 0 && tape.kind(content) == JsonTape.STRING) {
            return tape.string(content);
        }
        StringBuilder sb = new StringBuilder();
        forEachText(tape, content, node -> sb.append(tape.string(node)));
        return sb.toString();
    }

    /**
     * Warns once per object about keys outside {@code allowed}; they are dropped from the normalized output.
     * {@code where} is the object's path ("" for the record); its string is only built when there is something to say.
     */
    void unknownKeys(JsonTape tape, int object, Object where, byte[]... allowed) {
        List<String> unknown = null;
        for (int k = tape.first(object); k >= 0; k = tape.next(k)) {
            if (!isOneOf(tape, k, allowed)) {
                if (unknown == null) {
                    unknown = new ArrayList<>(2);
                }
                unknown.add(tape.string(k));
            }
        }
        if (unknown != null) {
            features.unknownTopLevelKeys |= object == 0;
            String path = where.toString();
            String prefix = path.isEmpty() ? "" : path + ".";
            findings.add(Finding.of(Rule.UNKNOWN_FIELD, prefix + unknown.get(0),
                    (path.isEmpty() ? "the record" : path) + " has field" + (unknown.size() > 1 ? "s " : " ") + quoted(unknown) + " that the "
                            + features.format.id() + " format does not use; removed from the validated output"));
        }
    }

    static boolean isOneOf(JsonTape tape, int key, byte[]... allowed) {
        for (byte[] a : allowed) {
            if (tape.stringEquals(key, a)) {
                return true;
            }
        }
        return false;
    }

    private static String quoted(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append('"').append(names.get(i)).append('"');
        }
        return sb.toString();
    }

    private static String keyList(JsonTape tape, int object) {
        List<String> keys = new ArrayList<>();
        for (int k = tape.first(object); k >= 0 && keys.size() < 8; k = tape.next(k)) {
            keys.add(tape.string(k));
        }
        return keys.isEmpty() ? "no keys at all" : quoted(keys);
    }

    // ---- normalized output -------------------------------------------------------------------------

    private void writeObject(JsonTape tape, byte[]... allowed) {
        NormalizedWriter.write(tape, normalized, allowed);
    }

    // ---- CheckedRecord ------------------------------------------------------------------------------

    @Override
    public List<Finding> findings() {
        return findings;
    }

    @Override
    public boolean hasErrors() {
        return errors;
    }

    @Override
    public RecordFeatures features() {
        return features;
    }

    @Override
    public long exactFingerprint() {
        return fingerprint.exact();
    }

    @Override
    public long normalizedFingerprint() {
        return fingerprint.normalized();
    }

    @Override
    public long promptFingerprint() {
        return features.format == RecordFormat.TEXT ? 0 : fingerprint.promptNormalized();
    }

    @Override
    public List<TextMessage> turns() {
        return turns;
    }

    @Override
    public ByteBuilder normalized() {
        return normalized;
    }

    @Override
    public int shortestAnswerChars() {
        return shortestAnswer;
    }
}
