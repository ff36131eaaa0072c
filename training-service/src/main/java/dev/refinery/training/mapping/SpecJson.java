package dev.refinery.training.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.providers.spec.BatchSize;
import dev.refinery.providers.spec.DatasetRefs;
import dev.refinery.providers.spec.Setting;
import dev.refinery.providers.spec.TrainOnInputs;
import dev.refinery.providers.spec.ValueSource;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.SpecException;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.training.service.FieldViolation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The provider-neutral settings as JSON: reading a request's {@code hyperparameters} into typed spec values (every
 * problem collected, never only the first), and writing an effective spec back (enums lower-case, as users type them).
 */
public final class SpecJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SpecJson() {
    }

    /** Typed values by field, and one violation per field that could not be read or is out of range. */
    public record Read(Map<SpecField<?>, Object> values, List<FieldViolation> violations) {
    }

    public static Read read(JsonNode hyperparameters) {
        Map<SpecField<?>, Object> values = new LinkedHashMap<>();
        List<FieldViolation> violations = new ArrayList<>();
        if (hyperparameters == null || hyperparameters.isNull()) {
            return new Read(values, violations);
        }
        if (!hyperparameters.isObject()) {
            violations.add(FieldViolation.setting("hyperparameters", hyperparameters.toString(), "a JSON object", "hyperparameters must be a JSON object"));
            return new Read(values, violations);
        }
        hyperparameters.fields().forEachRemaining(e -> {
            String name = e.getKey();
            JsonNode node = e.getValue();
            SpecField<?> field;
            try {
                field = SpecField.byName(name);
            } catch (SpecException unknown) {
                violations.add(FieldViolation.setting(name, node.toString(), "one of " + SpecField.all().stream().map(SpecField::name).toList(),
                        "unknown setting '" + name + "'"));
                return;
            }
            if (node.isNull()) {
                return;
            }
            try {
                values.put(field, field.check(convert(field, node)));
            } catch (SpecException bad) {
                violations.add(FieldViolation.setting(name, node.isTextual() ? node.asText() : node.toString(), allowedFrom(field, bad), bad.getMessage()));
            }
        });
        return new Read(values, violations);
    }

    /** The effective values by name, as stored and shown: enums lower-case, batch size a number or "max", trainOnInputs as users type it. */
    public static Map<String, Object> values(EffectiveSpec spec) {
        Map<String, Object> out = new LinkedHashMap<>();
        spec.settings().forEach((f, s) -> out.put(f.name(), shown(s.value())));
        return out;
    }

    private static Object shown(Object v) {
        if (v instanceof BatchSize b) {
            return b.isMax() ? "max" : (Object) b.examples();
        }
        if (v instanceof TrainOnInputs t) {
            return t == TrainOnInputs.AUTO ? "auto" : (Object) (t == TrainOnInputs.YES);
        }
        return v instanceof Enum<?> en ? en.name().toLowerCase(Locale.ROOT) : v;
    }

    /**
     * The stored effective spec back as typed settings with their sources, for the backend that creates the job.
     * {@code values.model}, when present, is the model the backend trains (OpenAI's second stage trains the first's output).
     */
    public static EffectiveSpec effectiveSpec(String stored, String baseModel, TrainingMethod method, DatasetRefs datasets) {
        JsonNode tree = tree(stored);
        JsonNode values = tree.path("values");
        JsonNode sources = tree.path("sources");
        com.fasterxml.jackson.databind.node.ObjectNode settingsOnly = values.deepCopy();
        settingsOnly.remove("model");
        Read read = read(settingsOnly);
        if (!read.violations().isEmpty()) {
            throw new IllegalStateException("the stored effective spec no longer reads: " + read.violations());
        }
        Map<SpecField<?>, Setting<?>> settings = new LinkedHashMap<>();
        read.values().forEach((f, v) -> settings.put(f, setting(v, ValueSource.valueOf(sources.path(f.name()).asText("user").toUpperCase(Locale.ROOT)))));
        String model = values.hasNonNull("model") ? values.get("model").asText() : baseModel;
        return new EffectiveSpec(datasets, model, method, settings);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static Setting<?> setting(Object value, ValueSource source) {
        return new Setting(value, source);
    }

    /** Sources by name: user, catalog_default or provider_default. */
    public static Map<String, String> sources(EffectiveSpec spec) {
        Map<String, String> out = new LinkedHashMap<>();
        spec.sourcesByName().forEach((k, v) -> out.put(k, v.toLowerCase(Locale.ROOT)));
        return out;
    }

    /** {"values": ..., "sources": ...}: the JSONB column. */
    public static String effectiveSpecJson(Map<String, Object> values, Map<String, String> sources) {
        Map<String, Object> both = new LinkedHashMap<>();
        both.put("values", values);
        both.put("sources", sources);
        return write(both);
    }

    public static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** One stored value of a field, typed as the field holds it; null when absent or unreadable. */
    public static Object read(SpecField<?> field, JsonNode stored) {
        if (stored == null || stored.isNull()) {
            return null;
        }
        try {
            return field.check(convert(field, stored));
        } catch (SpecException e) {
            return null;
        }
    }

    /** One stored effective value as text (enums are stored lower-case), if the spec has it. */
    public static java.util.Optional<String> storedValue(String effectiveSpec, String field) {
        JsonNode v = effectiveSpec == null ? null : tree(effectiveSpec).path("values").get(field);
        return v == null || v.isNull() ? java.util.Optional.empty() : java.util.Optional.of(v.isTextual() ? v.asText() : v.toString());
    }

    public static JsonNode tree(String json) {
        try {
            return json == null ? null : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    private static Object convert(SpecField<?> field, JsonNode node) {
        Class<?> type = field.type();
        if (type == Integer.class) {
            if (!node.isNumber() || node.asDouble() != Math.rint(node.asDouble()) || Math.abs(node.asDouble()) > Integer.MAX_VALUE) {
                throw wrongType(field, "an integer");
            }
            return node.asInt();
        }
        if (type == Long.class) {
            if (!node.isNumber() || node.asDouble() != Math.rint(node.asDouble())) {
                throw wrongType(field, "an integer");
            }
            return node.asLong();
        }
        if (type == Double.class) {
            if (!node.isNumber()) {
                throw wrongType(field, "a number");
            }
            return node.asDouble();
        }
        if (type == String.class) {
            if (!node.isTextual()) {
                throw wrongType(field, "a string");
            }
            return node.asText();
        }
        if (type == BatchSize.class) {
            if (node.isTextual() && node.asText().equalsIgnoreCase("max")) {
                return BatchSize.MAX;
            }
            if (node.isIntegralNumber()) {
                return BatchSize.of(node.asInt());
            }
            if (node.isTextual() && node.asText().strip().matches("[0-9]{1,9}")) {
                return BatchSize.of(Integer.parseInt(node.asText().strip())); // as specs stored before the one pipeline wrote it
            }
            throw wrongType(field, "an integer of at least 1, or \"max\"");
        }
        if (type == TrainOnInputs.class) {
            String text = node.isBoolean() ? String.valueOf(node.booleanValue()) : node.isTextual() ? node.asText().strip().toLowerCase(Locale.ROOT) : "";
            switch (text) {
                case "true", "yes" -> {
                    return TrainOnInputs.YES;
                }
                case "false", "no" -> {
                    return TrainOnInputs.NO;
                }
                case "auto" -> {
                    return TrainOnInputs.AUTO;
                }
                default -> throw wrongType(field, "true, false or \"auto\"");
            }
        }
        if (type == Boolean.class) {
            if (!node.isBoolean()) {
                throw wrongType(field, "true or false");
            }
            return node.booleanValue();
        }
        if (type == List.class) {
            List<String> items = new ArrayList<>();
            if (node.isTextual()) {
                Arrays.stream(node.asText().split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(items::add);
            } else if (node.isArray()) {
                for (JsonNode item : node) {
                    if (!item.isTextual()) {
                        throw wrongType(field, "a list of module names");
                    }
                    items.add(item.asText());
                }
            } else {
                throw wrongType(field, "a list of module names or a comma-separated string");
            }
            return items;
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            String wanted = node.isTextual() ? node.asText().strip().replace('-', '_') : "";
            for (Object c : constants) {
                if (((Enum<?>) c).name().equalsIgnoreCase(wanted)) {
                    return c;
                }
            }
            throw wrongType(field, "one of " + Arrays.stream(constants).map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT)).toList());
        }
        throw wrongType(field, type.getSimpleName());
    }

    private static SpecException wrongType(SpecField<?> field, String expected) {
        return new SpecException("SPEC_VALUE_WRONG_TYPE", field.name(), "must be " + expected);
    }

    /** The range sentence of a spec error ("must be at least 1, got 0" -> "at least 1"). */
    private static String allowedFrom(SpecField<?> field, SpecException e) {
        String m = e.getMessage();
        int must = m.indexOf("must be ");
        if (must < 0) {
            return m;
        }
        String rest = m.substring(must + "must be ".length());
        int got = rest.lastIndexOf(", got ");
        return got < 0 ? rest : rest.substring(0, got);
    }
}
