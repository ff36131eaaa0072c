package dev.refinery.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command of the tree: help, --json, and what a group without its verb says. */
class CommandTreeTest {

    /** Each command's words after "refinery", leaves and groups. */
    private static List<List<String>> commands(boolean leaves) {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        CommandLine root = RefineryCli.commandLine(new Cli(nowhere, nowhere, new ByteArrayInputStream(new byte[0]), Map.of(), false));
        List<List<String>> found = new ArrayList<>();
        walk(root, new ArrayList<>(), leaves, found);
        return found;
    }

    private static void walk(CommandLine command, List<String> path, boolean leaves, List<List<String>> found) {
        if (command.getSubcommands().isEmpty() == leaves && !path.isEmpty()) {
            found.add(List.copyOf(path));
        }
        command.getSubcommands().forEach((name, sub) -> {
            path.add(name);
            walk(sub, path, leaves, found);
            path.remove(path.size() - 1);
        });
    }

    @Test
    void everyLeafCommandHasHelpAndAcceptsJson() {
        List<List<String>> leaves = commands(true);
        assertTrue(leaves.size() > 70, "the whole command line: " + leaves);
        for (List<String> leaf : leaves) {
            List<String> args = new ArrayList<>(leaf);
            args.add("--help");
            CliRun help = CliRun.run(args.toArray(String[]::new));
            assertEquals(0, help.code(), leaf + ": " + help.err());
            assertTrue(help.out().startsWith("Usage: refinery " + String.join(" ", leaf)), leaf + ": " + help.out());
            assertTrue(help.out().contains("--json"), leaf + " accepts --json: " + help.out());
            assertTrue(help.out().contains("--gateway=URL"), leaf + ": " + help.out());
            args.add(args.size() - 1, "--json"); // --json before --help: accepted, and help still wins
            assertEquals(0, CliRun.run(args.toArray(String[]::new)).code(), leaf + " --json --help");
        }
        for (List<String> expected : List.of(List.of("datasets", "check"), List.of("datasets", "upload"), List.of("fine-tunes", "watch"),
                List.of("pipelines", "update"), List.of("capture", "export"), List.of("completion"), List.of("login"), List.of("demo"))) {
            assertTrue(leaves.contains(expected), expected + " in " + leaves);
        }
    }

    @Test
    void everyLeafRunBareEndsInOneLineWithADocumentedCodeNeverAnInternalError() {
        for (List<String> leaf : commands(true)) {
            List<String> args = new ArrayList<>(List.of("--gateway", "http://127.0.0.1:1"));
            args.addAll(leaf);
            CliRun bare = CliRun.run(args.toArray(String[]::new));
            if (leaf.equals(List.of("completion"))) {
                assertEquals(0, bare.code());
                continue;
            }
            assertTrue(List.of(64, 66, 69).contains(bare.code()), leaf + " ended " + bare.code() + ": " + bare.err());
            assertEquals(1, bare.err().lines().count(), leaf + ": " + bare.err());
        }
    }

    @Test
    void aGroupWithoutItsVerbIsAUsageErrorAndItsHelpListsTheVerbs() {
        for (List<String> group : commands(false)) {
            CliRun bare = CliRun.run(group.toArray(String[]::new));
            assertEquals(64, bare.code(), group + ": " + bare.err());
            assertEquals(1, bare.err().lines().count(), group + ": " + bare.err());
            CliRun help = CliRun.run(List.of(group.get(0), "--help").toArray(String[]::new));
            assertEquals(0, help.code());
            assertTrue(help.out().contains("Commands:"), help.out());
        }
    }

    @Test
    void theTopLevelHelpDocumentsTheExitCodesAndConfiguration() {
        CliRun help = CliRun.run("--help");
        assertEquals(0, help.code());
        for (String s : List.of("Exit codes:", "64", "69", "77", "REFINERY_GATEWAY", "REFINERY_API_KEY_FILE", "~/.config/refinery/api-key",
                "refinery completion", "datasets", "fine-tunes", "pipelines")) {
            assertTrue(help.out().contains(s), s + " in " + help.out());
        }
    }

    @Test
    void completionPrintsABashScriptThatKnowsTheNestedCommands() {
        CliRun completion = CliRun.run("completion");
        assertEquals(0, completion.code(), completion.err());
        assertTrue(completion.out().contains("complete -F"), completion.out().lines().limit(5).toList().toString());
        assertTrue(completion.out().contains("watch"), "nested verbs are completed");
        assertNotNull(completion.out());
    }
}
