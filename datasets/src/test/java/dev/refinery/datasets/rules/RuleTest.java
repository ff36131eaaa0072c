package dev.refinery.datasets.rules;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

class RuleTest {

    @Test
    void codesAreUniqueAndEveryOneIsDocumented() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Set<String> seen = new HashSet<>();
        for (Rule rule : Rule.values()) {
            assertTrue(seen.add(rule.code()), "duplicate code " + rule.code());
            assertTrue(rule.code().startsWith("DATASET_"), rule.code());
            assertTrue(readme.contains("`" + rule.code() + "`"), rule.code() + " is missing from datasets/README.md's rule table");
            assertTrue(!rule.hint().isBlank(), rule.code() + " has no hint");
        }
    }
}
