package dev.refinery.cli.output;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The human form of a gateway answer, generic over any JSON: a list of objects as an aligned table of their scalar
 * fields; an object as {@code key: value} lines (nested objects with dotted keys), each list of objects in it as a table
 * under its name. {@code --json} prints the answer itself instead.
 */
public final class Renderer {

    /** Cells longer than this are cut with an ellipsis, so that a table stays a table. */
    private static final int CELL = 48;
    /** Columns beyond these are left out of a table (they are in --json). */
    private static final int COLUMNS = 8;

    private Renderer() {
    }

    public static String render(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "ok\n";
        }
        if (node.isArray()) {
            return list(node);
        }
        if (node.isObject()) {
            StringBuilder s = new StringBuilder();
            List<Map.Entry<String, String>> pairs = new ArrayList<>();
            flatten("", node, pairs);
            int width = pairs.stream().mapToInt(p -> p.getKey().length()).max().orElse(0);
            for (Map.Entry<String, String> p : pairs) {
                s.append(pad(p.getKey() + ":", width + 1)).append(' ').append(p.getValue()).append('\n');
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (isTable(f.getValue()) && !f.getValue().isEmpty()) {
                    s.append(s.length() > 0 ? "\n" : "").append(f.getKey()).append(" (").append(f.getValue().size()).append("):\n")
                            .append(table(f.getValue()).indent(2));
                }
            }
            return s.toString();
        }
        return scalar(node) + "\n";
    }

    private static String list(JsonNode array) {
        if (array.isEmpty()) {
            return "(none)\n";
        }
        if (isTable(array)) {
            return table(array);
        }
        StringBuilder s = new StringBuilder();
        array.forEach(v -> s.append(v.isContainerNode() ? v.toString() : scalar(v)).append('\n'));
        return s.toString();
    }

    private static boolean isTable(JsonNode node) {
        if (!node.isArray()) {
            return false;
        }
        for (JsonNode e : node) {
            if (!e.isObject()) {
                return false;
            }
        }
        return true;
    }

    /** The scalar fields of a list of objects as aligned columns, in the order they first appear. */
    static String table(JsonNode rows) {
        Set<String> columns = new LinkedHashSet<>();
        for (JsonNode row : rows) {
            row.fields().forEachRemaining(f -> {
                if (!f.getValue().isContainerNode() && columns.size() < COLUMNS) {
                    columns.add(f.getKey());
                }
            });
        }
        List<String> names = new ArrayList<>(columns);
        if (names.isEmpty()) {
            StringBuilder s = new StringBuilder();
            rows.forEach(r -> s.append(r).append('\n'));
            return s.toString();
        }
        int[] widths = names.stream().mapToInt(String::length).toArray();
        List<String[]> cells = new ArrayList<>();
        for (JsonNode row : rows) {
            String[] line = new String[names.size()];
            for (int i = 0; i < line.length; i++) {
                line[i] = cut(scalar(row.path(names.get(i))));
                widths[i] = Math.max(widths[i], line[i].length());
            }
            cells.add(line);
        }
        StringBuilder s = new StringBuilder();
        s.append(row(names.toArray(String[]::new), widths).toUpperCase(java.util.Locale.ROOT));
        cells.forEach(c -> s.append(row(c, widths)));
        return s.toString();
    }

    private static String row(String[] cells, int[] widths) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            s.append(i == cells.length - 1 ? cells[i] : pad(cells[i], widths[i]) + "  ");
        }
        return s.toString().stripTrailing() + "\n";
    }

    /** Scalars and lists of scalars as {@code key: value}; nested objects with dotted keys; lists of objects left to tables. */
    private static void flatten(String prefix, JsonNode node, List<Map.Entry<String, String>> into) {
        node.fields().forEachRemaining(f -> {
            String key = prefix + f.getKey();
            JsonNode v = f.getValue();
            if (v.isObject()) {
                if (v.isEmpty()) {
                    into.add(Map.entry(key, "{}"));
                } else {
                    flatten(key + ".", v, into);
                }
            } else if (v.isArray()) {
                if (prefix.isEmpty() && isTable(v) && !v.isEmpty()) {
                    return; // shown as a table below
                }
                List<String> items = new ArrayList<>();
                v.forEach(e -> items.add(e.isContainerNode() ? e.toString() : scalar(e)));
                into.add(Map.entry(key, String.join(", ", items)));
            } else {
                into.add(Map.entry(key, scalar(v)));
            }
        });
    }

    private static String scalar(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode() ? "-" : v.isValueNode() ? v.asText() : v.toString();
    }

    private static String cut(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= CELL ? one : one.substring(0, CELL - 1) + "\u2026";
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
