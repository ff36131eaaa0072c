package dev.refinery.training.service;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static dev.refinery.training.service.Hyperparameters.*;

/**
 * Checks the hyperparameters a user sent and completes them with defaults. Every field is checked, so
 * one answer lists every problem (each with its allowed range), not just the first. Unknown names are
 * problems too: a misspelt setting must not silently fall back to its default.
 *
 * <p>Defaults follow the engine's ({@code TrainingConfig.defaults()}): LoRA r=8 on all linear
 * projections with alpha = 2 x rank, one epoch, batch 8, learning rate 1e-3, cosine schedule, gradient
 * clipping at 1, seed 42, the model's whole context; plus a checkpoint every 50 steps so that an
 * interrupted job loses little work.
 */
public final class HyperparameterValidator {

    public static final List<String> TRAINING_TYPES = List.of("lora");
    public static final List<String> SCHEDULERS = List.of("cosine", "linear", "constant");
    public static final List<String> BATCHING_MODES = List.of("padded", "packed");
    public static final List<String> OVERFLOW_POLICIES = List.of("fail", "truncate", "drop");
    public static final List<String> LORA_MODULES = List.of("q", "k", "v", "o", "gate", "up", "down");
    public static final String ALL_LINEAR = "all-linear";
    public static final List<String> DPO_VARIANTS = List.of("standard", "length_normalized", "simpo");
    private static final List<String> DPO_SETTINGS = List.of(DPO_VARIANT, DPO_BETA, DPO_NLL_WEIGHT, SIMPO_GAMMA);
    static final int DEFAULT_CHECKPOINT_EVERY = 50;

    /** One field that is out of range, of the wrong type or unknown. */
    public record Violation(String field, Object value, String allowed, String message) {
    }

    /** The effective hyperparameters, or every violation (then the hyperparameters are null). */
    public record Result(Hyperparameters hyperparameters, List<Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    private HyperparameterValidator() {
    }

    /** The settings of a supervised (SFT) run. */
    public static Result resolve(JsonNode request, int contextLength) {
        return resolve(request, contextLength, false);
    }

    /**
     * @param request       the "hyperparameters" object of the request; null or absent means all defaults
     * @param contextLength the base model's context in tokens (bounds maxSeqLen, and its default)
     * @param preference    a DPO run: the DPO settings apply (defaults: Together's, beta 0.1, standard), and training
     *                      on inputs does not (its loss compares two answers)
     */
    public static Result resolve(JsonNode request, int contextLength, boolean preference) {
        Reader r = new Reader(request);
        if (request != null && !request.isNull() && !request.isObject()) {
            r.violations.add(new Violation("hyperparameters", request.toString(), "a JSON object", "hyperparameters must be a JSON object"));
            return new Result(null, r.violations);
        }
        r.choice(TRAINING_TYPE, TRAINING_TYPES, "lora",
                "full fine-tuning is not offered yet: a job's result (job-completed v1) can only be an adapter");
        r.integer(EPOCHS, 1, 100, 1);
        r.integer(BATCH_SIZE, 1, 256, 8);
        r.integer(GRADIENT_ACCUMULATION, 1, 64, 1);
        r.choice(BATCHING, BATCHING_MODES, "padded", null);
        r.number(LEARNING_RATE, 0, true, 1, false, 1e-3);
        r.choice(LR_SCHEDULER, SCHEDULERS, "cosine", null);
        r.number(WARMUP_RATIO, 0, false, 1, false, 0.0);
        r.number(MIN_LR_RATIO, 0, false, 1, false, 0.0);
        r.number(WEIGHT_DECAY, 0, false, 1, false, 0.0);
        r.number(MAX_GRAD_NORM, 0, false, 100, false, 1.0);
        Integer rank = r.integer(LORA_RANK, 1, 256, 8);
        r.number(LORA_ALPHA, 0, true, 4096, false, 2.0 * (rank == null ? 8 : rank));
        r.number(LORA_DROPOUT, 0, false, 1, true, 0.0);
        r.loraTargets();
        r.longInteger(SEED, 0, Integer.MAX_VALUE, 42L);
        r.integer(MAX_SEQ_LEN, 1, contextLength, contextLength);
        r.choice(OVERFLOW, OVERFLOW_POLICIES, "fail", null);
        Boolean onInputs = r.bool(TRAIN_ON_INPUTS, false);
        if (preference) {
            if (Boolean.TRUE.equals(onInputs)) {
                r.violations.add(new Violation(TRAIN_ON_INPUTS, true, "false", "trainOnInputs does not apply to method dpo: its loss compares the two answers only"));
            }
            String variant = r.choice(DPO_VARIANT, DPO_VARIANTS, "standard", null);
            r.number(DPO_BETA, 0, true, 10, false, 0.1);
            r.number(DPO_NLL_WEIGHT, 0, false, 10, false, 0.0);
            Double gamma = r.number(SIMPO_GAMMA, 0, false, 10, false, 0.0);
            if (gamma != null && gamma > 0 && variant != null && !variant.equals("simpo")) {
                r.violations.add(new Violation(SIMPO_GAMMA, gamma, "0 unless dpoVariant is simpo", "simpoGamma applies to dpoVariant simpo only"));
            }
        } else {
            r.notApplicable(DPO_SETTINGS, "applies to method dpo only");
        }
        r.integer(EVAL_EVERY, 0, 1_000_000, 0);
        r.integer(CHECKPOINT_EVERY, 0, 1_000_000, DEFAULT_CHECKPOINT_EVERY);
        r.integer(EARLY_STOPPING_PATIENCE, 0, 1000, 0);
        r.rejectUnknown();
        return r.violations.isEmpty() ? new Result(new Hyperparameters(r.values, r.sources), List.of()) : new Result(null, r.violations);
    }

    /** Reads one field after another, recording values, sources and violations. */
    private static final class Reader {
        private final JsonNode request;
        private final Map<String, Object> values = new LinkedHashMap<>();
        private final Map<String, String> sources = new LinkedHashMap<>();
        private final List<Violation> violations = new ArrayList<>();
        private final Set<String> known = new LinkedHashSet<>();

        Reader(JsonNode request) {
            this.request = request;
        }

        private JsonNode given(String name) {
            known.add(name);
            if (request == null || !request.isObject()) {
                return null;
            }
            JsonNode v = request.get(name);
            return v == null || v.isNull() ? null : v;
        }

        private <T> T accept(String name, T value, String source) {
            values.put(name, value);
            sources.put(name, source);
            return value;
        }

        private <T> T reject(String name, JsonNode value, String allowed, String message) {
            violations.add(new Violation(name, value.isValueNode() ? valueOf(value) : value.toString(), allowed, message));
            return null;
        }

        Integer integer(String name, int min, int max, int def) {
            JsonNode v = given(name);
            if (v == null) {
                return accept(name, def, DEFAULT);
            }
            String allowed = "an integer from " + min + " to " + max;
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
                return reject(name, v, allowed, name + " must be " + allowed + ", got " + v);
            }
            return accept(name, v.intValue(), USER);
        }

        Long longInteger(String name, long min, long max, long def) {
            JsonNode v = given(name);
            if (v == null) {
                return accept(name, def, DEFAULT);
            }
            String allowed = "an integer from " + min + " to " + max;
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
                return reject(name, v, allowed, name + " must be " + allowed + ", got " + v);
            }
            return accept(name, v.longValue(), USER);
        }

        Double number(String name, double min, boolean minExclusive, double max, boolean maxExclusive, double def) {
            JsonNode v = given(name);
            if (v == null) {
                return accept(name, def, DEFAULT);
            }
            String allowed = "a number " + (minExclusive ? "> " : ">= ") + plain(min) + " and " + (maxExclusive ? "< " : "<= ") + plain(max);
            if (!v.isNumber()) {
                return reject(name, v, allowed, name + " must be " + allowed + ", got " + v);
            }
            double d = v.doubleValue();
            boolean aboveMin = minExclusive ? d > min : d >= min;
            boolean belowMax = maxExclusive ? d < max : d <= max;
            if (!Double.isFinite(d) || !aboveMin || !belowMax) {
                return reject(name, v, allowed, name + " must be " + allowed + ", got " + v);
            }
            return accept(name, d, USER);
        }

        String choice(String name, List<String> allowedValues, String def, String whyNot) {
            JsonNode v = given(name);
            if (v == null) {
                return accept(name, def, DEFAULT);
            }
            String allowed = "one of " + String.join(", ", allowedValues);
            String text = v.isTextual() ? v.asText().trim().toLowerCase(Locale.ROOT) : null;
            if (text == null || !allowedValues.contains(text)) {
                String message = name + " must be " + allowed + ", got " + v;
                if (whyNot != null && text != null) {
                    message += " (" + whyNot + ")";
                }
                return reject(name, v, allowed, message);
            }
            return accept(name, text, USER);
        }

        Boolean bool(String name, boolean def) {
            JsonNode v = given(name);
            if (v == null) {
                return accept(name, def, DEFAULT);
            }
            if (!v.isBoolean()) {
                return reject(name, v, "true or false", name + " must be true or false, got " + v);
            }
            return accept(name, v.booleanValue(), USER);
        }

        /** "all-linear", or some of q, k, v, o, gate, up, down as a list or a comma-separated string. */
        void loraTargets() {
            JsonNode v = given(LORA_TARGETS);
            if (v == null) {
                accept(LORA_TARGETS, ALL_LINEAR, DEFAULT);
                return;
            }
            String allowed = ALL_LINEAR + ", or a non-empty list of " + String.join(", ", LORA_MODULES);
            List<String> items = new ArrayList<>();
            if (v.isTextual()) {
                for (String s : v.asText().split(",")) {
                    items.add(s);
                }
            } else if (v.isArray()) {
                for (Iterator<JsonNode> it = v.elements(); it.hasNext(); ) {
                    JsonNode e = it.next();
                    items.add(e.isTextual() ? e.asText() : e.toString());
                }
            }
            Set<String> modules = new LinkedHashSet<>();
            for (String item : items) {
                String m = item.trim().toLowerCase(Locale.ROOT);
                if (m.equals(ALL_LINEAR)) {
                    modules.addAll(LORA_MODULES);
                    continue;
                }
                m = m.endsWith("_proj") ? m.substring(0, m.length() - 5) : m;
                if (!LORA_MODULES.contains(m)) {
                    reject(LORA_TARGETS, v, allowed, LORA_TARGETS + " must be " + allowed + "; '" + item.trim() + "' is not one of them");
                    return;
                }
                modules.add(m);
            }
            if (modules.isEmpty()) {
                reject(LORA_TARGETS, v, allowed, LORA_TARGETS + " must be " + allowed + ", got " + v);
                return;
            }
            String canonical = modules.size() == LORA_MODULES.size() ? ALL_LINEAR
                    : String.join(",", LORA_MODULES.stream().filter(modules::contains).toList());
            accept(LORA_TARGETS, canonical, USER);
        }

        /** Settings that exist but mean nothing for this run: named in a violation when given. */
        void notApplicable(List<String> names, String why) {
            for (String name : names) {
                JsonNode v = given(name);
                if (v != null) {
                    reject(name, v, "not set", name + " " + why);
                }
            }
        }

        void rejectUnknown() {
            if (request == null || !request.isObject()) {
                return;
            }
            for (Iterator<String> it = request.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!known.contains(name)) {
                    violations.add(new Violation(name, valueOf(request.get(name)), "one of the known hyperparameters: " + String.join(", ", known),
                            "unknown hyperparameter '" + name + "'"));
                }
            }
        }

        private static Object valueOf(JsonNode v) {
            if (v == null || v.isNull()) {
                return null;
            }
            if (v.isNumber()) {
                return v.numberValue();
            }
            if (v.isBoolean()) {
                return v.booleanValue();
            }
            return v.isTextual() ? v.asText() : v.toString();
        }

        private static String plain(double d) {
            return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }
    }
}
