package dev.refinery.providers.spec;

import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The settings a job actually runs with, each with its {@link ValueSource}: the user's value wins, then the
 * catalog's default for the model, then the provider's documented default. A setting absent here is not sent;
 * the provider's server decides it (Fireworks documents none of its defaults).
 */
public record EffectiveSpec(DatasetRefs datasets, String baseModel, TrainingMethod method, Map<SpecField<?>, Setting<?>> settings) {

    public EffectiveSpec {
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /**
     * Merges the three layers. Catalog and provider defaults that do not apply (a LoRA rank for a FULL job,
     * a DPO beta for SFT) are dropped; the user's own settings were already checked by {@link JobSpec}.
     * {@code providerDefaults} sees the user's and catalog's values, since some defaults derive from them
     * (Together's LoRA alpha is twice the rank).
     */
    public static EffectiveSpec resolve(JobSpec spec, SpecValues catalogDefaults, ProviderDefaults providerDefaults) {
        return resolve(spec, catalogDefaults, providerDefaults, TrainingType.LORA);
    }

    /**
     * As {@link #resolve(JobSpec, SpecValues, ProviderDefaults)}, for a backend whose training type, when nobody chose
     * one, is {@code backendType} (recorded as its default): MANAGED where the provider decides (OpenAI).
     */
    public static EffectiveSpec resolve(JobSpec spec, SpecValues catalogDefaults, ProviderDefaults providerDefaults, TrainingType backendType) {
        Map<SpecField<?>, Setting<?>> merged = new LinkedHashMap<>();
        spec.settings().asMap().forEach((f, v) -> merged.put(f, new Setting<>(v, ValueSource.USER)));
        TrainingType type = spec.settings().get(SpecField.TRAINING_TYPE)
                .or(() -> catalogDefaults.get(SpecField.TRAINING_TYPE)).orElse(backendType);
        if (!spec.settings().has(SpecField.TRAINING_TYPE) && !catalogDefaults.has(SpecField.TRAINING_TYPE)) {
            merged.put(SpecField.TRAINING_TYPE, new Setting<>(backendType, ValueSource.PROVIDER_DEFAULT));
        }
        addMissing(merged, catalogDefaults, ValueSource.CATALOG_DEFAULT, spec.method(), type);
        SpecValues soFar = valuesOf(merged);
        addMissing(merged, providerDefaults.defaultsFor(spec.baseModel(), spec.method(), type, soFar), ValueSource.PROVIDER_DEFAULT, spec.method(), type);
        JobSpec.checkConsistent(spec.method(), valuesOf(merged));
        return new EffectiveSpec(spec.datasets(), spec.baseModel(), spec.method(), merged);
    }

    private static void addMissing(Map<SpecField<?>, Setting<?>> merged, SpecValues layer, ValueSource source,
                                   TrainingMethod method, TrainingType type) {
        layer.asMap().forEach((f, v) -> {
            if (!merged.containsKey(f) && f.appliesTo(method, type)) {
                merged.put(f, new Setting<>(v, source));
            }
        });
    }

    private static SpecValues valuesOf(Map<SpecField<?>, Setting<?>> settings) {
        Map<SpecField<?>, Object> values = new LinkedHashMap<>();
        settings.forEach((f, s) -> values.put(f, s.value()));
        return SpecValues.of(values);
    }

    public <T> Optional<T> value(SpecField<T> field) {
        Setting<?> s = settings.get(field);
        return s == null ? Optional.empty() : Optional.of(field.type().cast(s.value()));
    }

    public <T> T valueOr(SpecField<T> field, T fallback) {
        return value(field).orElse(fallback);
    }

    public Optional<ValueSource> source(SpecField<?> field) {
        Setting<?> s = settings.get(field);
        return s == null ? Optional.empty() : Optional.of(s.source());
    }

    public TrainingType trainingType() {
        return valueOr(SpecField.TRAINING_TYPE, TrainingType.LORA);
    }

    /** Values by field name, for storing beside the job (enums and batch sizes as their names). */
    public Map<String, Object> valuesByName() {
        Map<String, Object> out = new LinkedHashMap<>();
        settings.forEach((f, s) -> out.put(f.name(), s.value() instanceof BatchSize b ? b.toString() : s.value()));
        return out;
    }

    /** Sources by field name, the companion of {@link #valuesByName()}. */
    public Map<String, String> sourcesByName() {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((f, s) -> out.put(f.name(), s.source().name()));
        return out;
    }
}
