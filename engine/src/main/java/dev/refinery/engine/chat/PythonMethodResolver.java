package dev.refinery.engine.chat;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Chat templates are written for Python's Jinja, where strings and dicts have Python's methods
 * ({@code content.strip()}, {@code role.startswith('a')}, {@code d.items()}). Jinjava calls Java
 * methods instead, and Java strings lack most of these (or, like {@code split}, mean something else).
 * This resolver answers those calls with Python's behaviour before Jinjava's own resolver sees them.
 */
final class PythonMethodResolver extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(method instanceof String name)) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result = NOT_HANDLED;
        if (base instanceof String s) {
            result = stringMethod(s, name, args);
        } else if (base instanceof Map<?, ?> map) {
            result = mapMethod(map, name, args);
        }
        if (result == NOT_HANDLED) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static final Object NOT_HANDLED = new Object();

    private static Object stringMethod(String s, String name, Object[] args) {
        return switch (name) {
            case "strip" -> strip(s, charsArg(args), true, true);
            case "lstrip" -> strip(s, charsArg(args), true, false);
            case "rstrip" -> strip(s, charsArg(args), false, true);
            case "startswith" -> args.length >= 1 && anyMatches(args[0], s::startsWith);
            case "endswith" -> args.length >= 1 && anyMatches(args[0], s::endsWith);
            case "split" -> split(s, args.length == 0 || args[0] == null ? null : String.valueOf(args[0]));
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "capitalize" -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            default -> NOT_HANDLED;
        };
    }

    private static Object mapMethod(Map<?, ?> map, String name, Object[] args) {
        return switch (name) {
            case "items" -> {
                List<List<Object>> items = new ArrayList<>();
                map.forEach((k, v) -> items.add(Arrays.asList(k, v)));
                yield items;
            }
            case "keys" -> new ArrayList<>(map.keySet());
            case "values" -> new ArrayList<>(map.values());
            default -> NOT_HANDLED;
        };
    }

    private static String charsArg(Object[] args) {
        return args.length == 0 || args[0] == null ? null : String.valueOf(args[0]);
    }

    /** Python's str.strip family: whitespace by default, else any of the given characters. */
    static String strip(String s, String chars, boolean left, boolean right) {
        int start = 0;
        int end = s.length();
        while (left && start < end && strippable(s.charAt(start), chars)) {
            start++;
        }
        while (right && end > start && strippable(s.charAt(end - 1), chars)) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean strippable(char c, String chars) {
        return chars == null ? Character.isWhitespace(c) || Character.isSpaceChar(c) : chars.indexOf(c) >= 0;
    }

    private interface StringTest {
        boolean test(String s);
    }

    private static boolean anyMatches(Object arg, StringTest test) {
        if (arg instanceof Iterable<?> options) {
            for (Object o : options) {
                if (test.test(String.valueOf(o))) {
                    return true;
                }
            }
            return false;
        }
        return test.test(String.valueOf(arg));
    }

    /** Python's str.split: on runs of whitespace without empty parts, or on an exact separator. */
    private static List<String> split(String s, String separator) {
        List<String> parts = new ArrayList<>();
        if (separator == null) {
            for (String p : s.strip().split("\\s+")) {
                if (!p.isEmpty()) {
                    parts.add(p);
                }
            }
            return parts;
        }
        int from = 0;
        for (int at; (at = s.indexOf(separator, from)) >= 0 && !separator.isEmpty(); from = at + separator.length()) {
            parts.add(s.substring(from, at));
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousIsLetter = false;
        for (char c : s.toCharArray()) {
            out.append(previousIsLetter ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousIsLetter = Character.isLetter(c);
        }
        return out.toString();
    }

    // Property access is left to Jinjava's resolver.

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // read-only
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return false;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
