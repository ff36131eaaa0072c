package dev.refinery.catalog;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Which known model names a mistyped one probably meant: names containing it (or contained in it), then names
 * within a small edit distance of it or of their last path segment ("Llama-3.1-8b" vs "meta-llama/Meta-...").
 */
final class NearMatches {

    private static final int MAX_SUGGESTIONS = 5;

    private NearMatches() {
    }

    static List<String> among(List<CatalogModel> models, String wanted) {
        String needle = wanted.toLowerCase(Locale.ROOT);
        return models.stream()
                .map(m -> new Candidate(m.id(), bestDistance(m, needle)))
                .filter(c -> c.distance <= Math.max(3, needle.length() / 3))
                .sorted(Comparator.comparingInt(Candidate::distance).thenComparing(Candidate::id))
                .limit(MAX_SUGGESTIONS)
                .map(Candidate::id)
                .toList();
    }

    private static int bestDistance(CatalogModel model, String needle) {
        return Stream.concat(Stream.of(model.id()), model.aliases().stream())
                .map(name -> name.toLowerCase(Locale.ROOT))
                .flatMap(name -> Stream.of(name, name.substring(name.lastIndexOf('/') + 1)))
                .mapToInt(name -> name.contains(needle) || needle.contains(name) ? 0 : editDistance(name, needle))
                .min()
                .orElse(Integer.MAX_VALUE);
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private record Candidate(String id, int distance) {
    }
}
