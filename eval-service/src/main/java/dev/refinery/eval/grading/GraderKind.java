package dev.refinery.eval.grading;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What a grader checks. Code graders look at one answer at a time; a pairwise judge asks a model which of two is better. */
public enum GraderKind {
    /** {@code {"pattern": "..."}}: the answer contains a match of the regular expression (Java syntax). */
    REGEX("regex"),
    /** {@code {"text": "...", "ignoreCase": false}}: the answer contains the text. */
    CONTAINS("contains"),
    /**
     * {@code {"path": "$.label", "equals": ...}}: the answer is JSON and the JSONPath finds a value (equal to {@code equals}
     * when given; equal to the same path in the reference when {@code "matchReference": true}).
     */
    JSON_PATH("json_path"),
    /** {@code {"schema": {...}}}: the answer is JSON valid against the JSON Schema (draft 2020-12). */
    JSON_SCHEMA("json_schema"),
    /**
     * {@code {"backend": "together", "model": "...", "instructions": "..."}}: a model on a configured provider compares the
     * two answers, asked in both orders; a win counts only when it holds both ways.
     */
    PAIRWISE_JUDGE("pairwise_judge");

    private final String wireName;

    GraderKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<GraderKind> named(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(GraderKind::wireName).toList();
    }
}
