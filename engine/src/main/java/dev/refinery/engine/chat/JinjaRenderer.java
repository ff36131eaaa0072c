package dev.refinery.engine.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.CollectionTooBigException;
import com.hubspot.jinjava.interpret.OutputTooBigException;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.refinery.engine.EngineException;
import jinjava.javax.el.CompositeELResolver;

import java.lang.reflect.Method;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders a Hugging Face chat template with Jinjava, set up the way transformers' apply_chat_template
 * sets up Python's Jinja: trim_blocks and lstrip_blocks on, one trailing newline of the template
 * dropped, {@code raise_exception} and {@code strftime_now} available, Python string methods on
 * strings, and the variables {@code messages}, {@code add_generation_prompt}, {@code bos_token},
 * {@code eos_token} and {@code tools} (none).
 *
 * <p>Messages are data: their text is inserted into the output as it is and never interpreted, even when it looks like
 * template code (Jinjava's nested interpretation, on by default, would run a {@code {{ ... }}} found in a variable's
 * value; Python's Jinja never does). Each rendering runs under {@link RenderLimits}: a time limit and an output size.
 */
final class JinjaRenderer {

    private final Jinjava jinjava;
    private final RenderLimits limits;
    private final RenderDeadline deadline = new RenderDeadline();
    private final String template;
    private final String bosToken;
    private final String eosToken;

    JinjaRenderer(String template, String bosToken, String eosToken, RenderLimits limits) {
        this.limits = limits;
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonMethodResolver());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                // Jinjava's lstrip_blocks also strips spaces before a tag in the middle of a line, and
                // its keep_trailing_newline=false trims the output rather than the template: both are
                // done here on the template source instead, the way Python's Jinja does them.
                .withLstripBlocks(false)
                .withKeepTrailingNewline(true)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseTrimmingForNotesAndExpressions(true) // {{- x }} strips before it
                        .withAllowAdjacentTextNodes(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withHandleBackslashInQuotesOnly(true)
                        .withUsePyishObjectMapper(true)
                        .build())
                .withElResolver(resolver)
                // Dataset text such as {{ 'x' ~ 'y' }} in a message is text, not code to run.
                .withNestedInterpretationEnabled(false)
                .withMaxOutputSize(limits.maxOutputChars())
                .withMaxStringLength(limits.maxOutputChars())
                .withNodePreProcessor(deadline)
                .build();
        this.jinjava = new Jinjava(config);
        registerFunction("raise_exception", "raiseException");
        registerFunction("strftime_now", "strftimeNow");
        this.template = asPythonJinjaReadsIt(template);
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
    }

    private void registerFunction(String name, String javaName) {
        try {
            Method method = JinjaRenderer.class.getDeclaredMethod(javaName, String.class);
            method.setAccessible(true); // this class is package-private; the template engine calls in by reflection
            jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", name, method));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> asMaps = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("role", m.role());
            map.put("content", m.content());
            asMaps.add(map);
        }
        Map<String, Object> context = new HashMap<>();
        context.put("messages", asMaps);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        context.put("tools", null);
        context.put("documents", null);
        return deadline.within(limits.timeLimit(), () -> renderWithin(context));
    }

    private String renderWithin(Map<String, Object> context) {
        RenderResult result;
        try {
            result = jinjava.renderForResult(template, context);
        } catch (RenderDeadline.Exceeded e) {
            throw timedOut();
        } catch (RuntimeException e) {
            throw failure(e.getMessage(), e);
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw failure(fatalMessage(error), null);
            }
        }
        return result.getOutput();
    }

    private EngineException timedOut() {
        return failure("the chat template took longer than " + limits.describeTime() + " to render (its limit per rendering)", null);
    }

    private static final Pattern INDENT_BEFORE_TAG = Pattern.compile("(?m)^[ \\t]+(?=\\{[%#](?![+-]))");

    /**
     * Python's Jinja with lstrip_blocks removes spaces and tabs between the start of a line and a
     * block or comment tag, and (keep_trailing_newline off) drops one newline at the end of the source.
     */
    static String asPythonJinjaReadsIt(String template) {
        String stripped = INDENT_BEFORE_TAG.matcher(template).replaceAll("");
        return stripped.endsWith("\n") ? stripped.substring(0, stripped.length() - 1) : stripped;
    }

    /** Called by templates as {@code raise_exception(message)}: the template rejects the chat. */
    public static String raiseException(String message) {
        throw new TemplateRaised(message);
    }

    /** Python's {@code datetime.now().strftime(format)} for the directives chat templates use. */
    public static String strftimeNow(String format) {
        LocalDateTime now = LocalDateTime.now();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char d = format.charAt(++i);
            String pattern = switch (d) {
                case 'd' -> "dd";
                case 'm' -> "MM";
                case 'Y' -> "yyyy";
                case 'y' -> "yy";
                case 'b' -> "MMM";
                case 'B' -> "MMMM";
                case 'a' -> "EEE";
                case 'A' -> "EEEE";
                case 'H' -> "HH";
                case 'M' -> "mm";
                case 'S' -> "ss";
                case 'p' -> "a";
                default -> null;
            };
            if (pattern == null) {
                out.append(d == '%' ? "%" : "%" + d);
            } else {
                out.append(now.format(DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH)));
            }
        }
        return out.toString();
    }

    private String fatalMessage(TemplateError error) {
        for (Throwable t = error.getException(); t != null; t = t.getCause()) {
            if (t instanceof TemplateRaised) {
                return "the chat template rejected the conversation: " + t.getMessage();
            }
            if (t instanceof RenderDeadline.Exceeded) {
                return timedOut().getMessage();
            }
            if (t instanceof OutputTooBigException || t instanceof CollectionTooBigException) {
                return "the chat template's output is larger than " + limits.maxOutputChars() + " characters (its limit per rendering)";
            }
        }
        return "the chat template failed at line " + error.getLineno() + ": " + error.getMessage();
    }

    private static EngineException failure(String message, Throwable cause) {
        EngineException e = new EngineException.InvalidChat(message.startsWith("the chat template")
                ? message : "the chat template cannot be rendered: " + message);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    /** Thrown by {@code raise_exception} inside a template. */
    static final class TemplateRaised extends RuntimeException {
        TemplateRaised(String message) {
            super(message);
        }
    }
}
