package dev.refinery.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and checks a catalog file. Every problem is collected with its JSON path ({@code $.backends.together.
 * models[3].tokenizer}) and reported together, so whoever edits prices fixes the file in one pass.
 */
final class CatalogFileReader {

    static final int SUPPORTED_VERSION = 1;

    // Floats as BigDecimal: 0.48 must stay 0.48, not 0.47999999999999998 (money is compared to the cent).
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final List<String> problems = new ArrayList<>();

    private CatalogFileReader() {
    }

    static ModelCatalog read(InputStream in, String origin) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new CatalogException(CatalogErrorCode.CATALOG_UNREADABLE, "catalog " + origin + " is not JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + "): "
                    + e.getOriginalMessage());
        }
        CatalogFileReader reader = new CatalogFileReader();
        ModelCatalog catalog = reader.catalog(root, origin);
        if (!reader.problems.isEmpty()) {
            throw new CatalogException(CatalogErrorCode.CATALOG_INVALID, "catalog " + origin + " has "
                    + reader.problems.size() + " problem(s): " + String.join("; ", reader.problems), reader.problems);
        }
        return catalog;
    }

    private ModelCatalog catalog(JsonNode root, String origin) {
        if (root == null || !root.isObject()) {
            problem("$", "must be a JSON object");
            return null;
        }
        Integer version = integer(root, "catalogVersion", "$", true);
        if (version != null && version != SUPPORTED_VERSION) {
            problem("$.catalogVersion", "is " + version + "; this build reads version " + SUPPORTED_VERSION);
        }
        String revision = text(root, "revision", "$", true);
        String currency = text(root, "currency", "$", true);
        if (currency != null && !currency.equals("USD")) {
            problem("$.currency", "is '" + currency + "'; prices are recorded in USD only");
        }
        Map<String, CatalogBackend> backends = new LinkedHashMap<>();
        JsonNode backendsNode = root.get("backends");
        if (backendsNode == null || !backendsNode.isObject() || backendsNode.isEmpty()) {
            problem("$.backends", "must be an object with at least one backend");
        } else {
            backendsNode.fields().forEachRemaining(entry -> {
                CatalogBackend backend = backend(entry.getKey(), entry.getValue(), "$.backends." + entry.getKey());
                if (backend != null) {
                    backends.put(entry.getKey(), backend);
                }
            });
        }
        return problems.isEmpty() ? new ModelCatalog(version, revision, currency, origin, backends) : null;
    }

    private CatalogBackend backend(String id, JsonNode node, String path) {
        if (!node.isObject()) {
            problem(path, "must be an object");
            return null;
        }
        String displayName = text(node, "displayName", path, true);
        String billingName = text(node, "billing", path, true);
        BillingFormula billing = null;
        if (billingName != null) {
            billing = BillingFormula.fromWireName(billingName).orElse(null);
            if (billing == null) {
                problem(path + ".billing", "unknown formula '" + billingName
                        + "' (known: epochs-plus-evaluations, openai-default-epochs, dataset-times-epochs)");
            }
        }
        Map<String, Bracket> brackets = brackets(node.get("brackets"), path + ".brackets");
        DpoRule dpoRule = dpoRule(node.get("dpoPrice"), path + ".dpoPrice");
        List<CatalogModel> models = new ArrayList<>();
        JsonNode modelsNode = node.get("models");
        if (modelsNode == null || !modelsNode.isArray()) {
            problem(path + ".models", "must be an array");
        } else {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < modelsNode.size(); i++) {
                CatalogModel model = model(id, modelsNode.get(i), path + ".models[" + i + "]", brackets, dpoRule);
                if (model != null) {
                    for (String name : names(model)) {
                        if (!names.add(name)) {
                            problem(path + ".models[" + i + "]", "id or alias '" + name
                                    + "' is already used by another model of this backend");
                        }
                    }
                    models.add(model);
                }
            }
        }
        JsonNode jobCutoffNode = node.get("jobCutoff");
        Optional<ProviderCutoff> jobCutoff = jobCutoffNode == null || jobCutoffNode.isNull() ? Optional.empty()
                : Optional.ofNullable(cutoff(jobCutoffNode, path + ".jobCutoff"));
        List<ProviderCutoff> servingCutoffs = new ArrayList<>();
        JsonNode servingNode = node.get("servingCutoffs");
        if (servingNode != null && !servingNode.isNull()) {
            if (!servingNode.isArray()) {
                problem(path + ".servingCutoffs", "must be an array");
            } else {
                for (int i = 0; i < servingNode.size(); i++) {
                    ProviderCutoff cutoff = cutoff(servingNode.get(i), path + ".servingCutoffs[" + i + "]");
                    if (cutoff != null) {
                        servingCutoffs.add(cutoff);
                    }
                }
            }
        }
        return new CatalogBackend(id, displayName, billing, strings(node.get("notes"), path + ".notes"), models,
                defaultModel(node, path, models), jobCutoff, servingCutoffs);
    }

    /** {@code {from, modelPrefixes?, what, source}}: a day from which the backend stops doing something. */
    private ProviderCutoff cutoff(JsonNode node, String path) {
        if (!node.isObject()) {
            problem(path, "must be an object {from, modelPrefixes, what, source}");
            return null;
        }
        String from = text(node, "from", path, true);
        String what = text(node, "what", path, true);
        String source = text(node, "source", path, true);
        List<String> prefixes = strings(node.get("modelPrefixes"), path + ".modelPrefixes");
        LocalDate day = null;
        if (from != null) {
            try {
                day = LocalDate.parse(from);
            } catch (DateTimeParseException e) {
                problem(path + ".from", "'" + from + "' is not a date (yyyy-mm-dd)");
            }
        }
        return day == null || what == null || source == null ? null : new ProviderCutoff(day, prefixes, what, source);
    }

    /** The backend's {@code defaultModel} (an id or alias of one of its models); the first model when the file names none. */
    private CatalogModel defaultModel(JsonNode node, String path, List<CatalogModel> models) {
        String name = text(node, "defaultModel", path, false);
        if (name == null) {
            return models.isEmpty() ? null : models.get(0);
        }
        for (CatalogModel m : models) {
            if (m.answersTo(name)) {
                return m;
            }
        }
        problem(path + ".defaultModel", "'" + name + "' is not one of this backend's models");
        return null;
    }

    private static List<String> names(CatalogModel model) {
        List<String> names = new ArrayList<>();
        names.add(model.id().toLowerCase(Locale.ROOT));
        model.aliases().forEach(a -> names.add(a.toLowerCase(Locale.ROOT)));
        return names;
    }

    private Map<String, Bracket> brackets(JsonNode node, String path) {
        Map<String, Bracket> brackets = new LinkedHashMap<>();
        if (node == null) {
            return brackets;
        }
        if (!node.isArray()) {
            problem(path, "must be an array");
            return brackets;
        }
        for (int i = 0; i < node.size(); i++) {
            String bracketPath = path + "[" + i + "]";
            JsonNode bracket = node.get(i);
            String id = text(bracket, "id", bracketPath, true);
            String label = text(bracket, "label", bracketPath, true);
            List<Price> prices = prices(bracket.get("prices"), bracketPath + ".prices");
            if (id != null && brackets.put(id, new Bracket(label, prices)) != null) {
                problem(bracketPath + ".id", "bracket '" + id + "' is defined twice");
            }
        }
        return brackets;
    }

    private DpoRule dpoRule(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        BigDecimal multiplier = decimal(node, "multiplierOfSft", path);
        if (multiplier == null || multiplier.signum() <= 0) {
            problem(path + ".multiplierOfSft", "must be a positive number");
        }
        String source = text(node, "source", path, true);
        LocalDate asOf = date(node, path);
        return multiplier == null || source == null ? null : new DpoRule(multiplier, source, asOf);
    }

    private CatalogModel model(String backend, JsonNode node, String path, Map<String, Bracket> brackets,
                               DpoRule dpoRule) {
        if (node == null || !node.isObject()) {
            problem(path, "must be an object");
            return null;
        }
        int before = problems.size();
        String id = text(node, "id", path, true);
        String displayName = text(node, "displayName", path, true);
        String parameters = text(node, "parameters", path, true);
        List<String> aliases = strings(node.get("aliases"), path + ".aliases");
        String bracketId = text(node, "bracket", path, false);
        Bracket bracket = null;
        if (bracketId != null) {
            bracket = brackets.get(bracketId);
            if (bracket == null) {
                problem(path + ".bracket", "unknown bracket '" + bracketId + "' (this backend has: "
                        + String.join(", ", brackets.keySet()) + ")");
            }
        }
        ContextLengths context = contextLengths(node.get("contextLength"), path + ".contextLength");
        Set<TrainingMethod> methods = EnumSet.noneOf(TrainingMethod.class);
        for (String name : nonEmptyStrings(node.get("methods"), path + ".methods")) {
            TrainingMethod.fromWireName(name).ifPresentOrElse(methods::add,
                    () -> problem(path + ".methods", "unknown method '" + name + "' (known: sft, dpo)"));
        }
        Set<TrainingType> types = EnumSet.noneOf(TrainingType.class);
        for (String name : nonEmptyStrings(node.get("trainingTypes"), path + ".trainingTypes")) {
            TrainingType.fromWireName(name).ifPresentOrElse(types::add,
                    () -> problem(path + ".trainingTypes", "unknown training type '" + name
                            + "' (known: lora, full, managed)"));
        }
        LoraLimits lora = loraLimits(node.get("lora"), path + ".lora");
        TokenizerSpec tokenizer = null;
        TokenizerSpec.ParseResult parsed = TokenizerSpec.parse(text(node, "tokenizer", path, true));
        if (parsed.ok()) {
            tokenizer = parsed.spec();
        } else if (node.hasNonNull("tokenizer")) {
            problem(path + ".tokenizer", parsed.problem());
        }
        List<Price> own = prices(node.get("prices"), path + ".prices");
        List<String> notes = strings(node.get("notes"), path + ".notes");
        if (problems.size() > before) {
            return null;
        }
        List<Price> resolved = resolvePrices(own, bracket, dpoRule, methods, types);
        return new CatalogModel(backend, id, aliases, displayName, parameters, bracket == null ? null : bracket.label,
                context, methods, types, lora, tokenizer, resolved, notes);
    }

    /**
     * The model's own prices win, then its bracket's; a DPO price nobody stated is derived from the SFT one when
     * the backend has a DPO rule (Together: 2.5x), and its source says it was derived.
     */
    private static List<Price> resolvePrices(List<Price> own, Bracket bracket, DpoRule dpoRule,
                                             Set<TrainingMethod> methods, Set<TrainingType> types) {
        List<Price> resolved = new ArrayList<>(own);
        if (bracket != null) {
            for (Price price : bracket.prices) {
                if (find(resolved, price.trainingType(), price.method()).isEmpty()) {
                    resolved.add(price);
                }
            }
        }
        if (dpoRule != null && methods.contains(TrainingMethod.DPO)) {
            for (TrainingType type : types) {
                if (find(resolved, type, TrainingMethod.DPO).isPresent()) {
                    continue;
                }
                find(resolved, type, TrainingMethod.SFT).ifPresent(sft -> resolved.add(new Price(type,
                        TrainingMethod.DPO,
                        sft.known() ? sft.usdPerMillionTokens().multiply(dpoRule.multiplier) : null,
                        dpoRule.multiplier.stripTrailingZeros().toPlainString() + " x the SFT price (" + dpoRule.source
                                + "); SFT price: " + sft.source(),
                        dpoRule.asOf)));
            }
        }
        resolved.removeIf(p -> !types.contains(p.trainingType()) || !methods.contains(p.method()));
        return resolved;
    }

    private static Optional<Price> find(List<Price> prices, TrainingType type, TrainingMethod method) {
        return prices.stream().filter(p -> p.covers(type, method)).findFirst();
    }

    private ContextLengths contextLengths(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            problem(path, "must be an object {sft, dpo, source} (null values mean unknown)");
            return null;
        }
        Integer sft = integer(node, "sft", path, false);
        Integer dpo = integer(node, "dpo", path, false);
        for (Integer length : new Integer[] {sft, dpo}) {
            if (length != null && length <= 0) {
                problem(path, "context lengths must be positive");
            }
        }
        return new ContextLengths(sft, dpo, text(node, "source", path, true));
    }

    private LoraLimits loraLimits(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        Integer maxRank = integer(node, "maxRank", path, false);
        if (maxRank != null && maxRank <= 0) {
            problem(path + ".maxRank", "must be positive");
        }
        return new LoraLimits(maxRank, strings(node.get("targetModules"), path + ".targetModules"),
                text(node, "source", path, true));
    }

    private List<Price> prices(JsonNode node, String path) {
        List<Price> prices = new ArrayList<>();
        if (node == null) {
            return prices;
        }
        if (!node.isArray()) {
            problem(path, "must be an array");
            return prices;
        }
        for (int i = 0; i < node.size(); i++) {
            String pricePath = path + "[" + i + "]";
            JsonNode entry = node.get(i);
            Optional<TrainingType> type = enumText(entry, "trainingType", pricePath, TrainingType::fromWireName,
                    "lora, full, managed");
            Optional<TrainingMethod> method = enumText(entry, "method", pricePath, TrainingMethod::fromWireName,
                    "sft, dpo");
            if (!entry.has("usdPerMillionTokens")) {
                problem(pricePath + ".usdPerMillionTokens", "is required (null when the price is unknown)");
            }
            BigDecimal amount = decimal(entry, "usdPerMillionTokens", pricePath);
            if (amount != null && amount.signum() < 0) {
                problem(pricePath + ".usdPerMillionTokens", "must not be negative");
            }
            String source = text(entry, "source", pricePath, true);
            LocalDate asOf = date(entry, pricePath);
            if (type.isPresent() && method.isPresent()) {
                if (find(prices, type.get(), method.get()).isPresent()) {
                    problem(pricePath, "a second price for " + type.get().wireName() + "/" + method.get().wireName());
                }
                prices.add(new Price(type.get(), method.get(), amount, source, asOf));
            }
        }
        return prices;
    }

    private <E> Optional<E> enumText(JsonNode node, String field, String path,
                                     java.util.function.Function<String, Optional<E>> parse, String known) {
        String value = text(node, field, path, true);
        if (value == null) {
            return Optional.empty();
        }
        Optional<E> parsed = parse.apply(value);
        if (parsed.isEmpty()) {
            problem(path + "." + field, "unknown value '" + value + "' (known: " + known + ")");
        }
        return parsed;
    }

    private LocalDate date(JsonNode node, String path) {
        String value = text(node, "asOf", path, true);
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            problem(path + ".asOf", "'" + value + "' is not a date (yyyy-mm-dd)");
            return null;
        }
    }

    private String text(JsonNode node, String field, String path, boolean required) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                problem(path + "." + field, "is required");
            }
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            problem(path + "." + field, "must be a non-empty string");
            return null;
        }
        return value.asText();
    }

    private Integer integer(JsonNode node, String field, String path, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                problem(path + "." + field, "is required");
            }
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            problem(path + "." + field, "must be a whole number");
            return null;
        }
        return value.intValue();
    }

    private BigDecimal decimal(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            problem(path + "." + field, "must be a number or null");
            return null;
        }
        return value.decimalValue();
    }

    private List<String> strings(JsonNode node, String path) {
        List<String> values = new ArrayList<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (!node.isArray()) {
            problem(path, "must be an array of strings");
            return values;
        }
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                problem(path + "[" + i + "]", "must be a string");
            } else {
                values.add(node.get(i).asText());
            }
        }
        return values;
    }

    private List<String> nonEmptyStrings(JsonNode node, String path) {
        List<String> values = strings(node, path);
        if (values.isEmpty() && problems.stream().noneMatch(p -> p.startsWith(path))) {
            problem(path, "must list at least one value");
        }
        return values;
    }

    private void problem(String path, String message) {
        problems.add(path + ": " + message);
    }

    private record Bracket(String label, List<Price> prices) {
    }

    private record DpoRule(BigDecimal multiplier, String source, LocalDate asOf) {
    }
}
