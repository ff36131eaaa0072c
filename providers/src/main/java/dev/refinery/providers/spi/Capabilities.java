package dev.refinery.providers.spi;

import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;
import dev.refinery.providers.spec.EffectiveSpec;
import dev.refinery.providers.spec.SpecField;
import dev.refinery.providers.spec.ValueSource;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a backend can do, in named parts, so that the service decides everything by capability and never by the
 * backend's name: the methods and training types it runs, how a second stage continues a first, where it reads the
 * data, when it takes a validation file, how its progress reaches us, whether it is priced, which settings it takes
 * and in what range. Built with {@link #builder()}.
 *
 * @param methods         the training methods it runs
 * @param trainingTypes   what a job may ask to train ({@code MANAGED}: the provider decides, as OpenAI does)
 * @param secondStage     how a job continues an earlier job's result
 * @param data            whether the data is copied to the backend or read where it is, in our bucket
 * @param validationFile  when a validation split is sent along
 * @param progress        how the job's state and metrics reach us
 * @param pricing         whether jobs cost money per token (and budgets apply)
 * @param pauseResume     whether a running job can be paused and resumed
 * @param weightsDownload whether the trained weights can be copied out of the provider
 * @param costSource      how the provider's own cost figure is named in a job's history
 * @param ownFailureCodes a failed job carries the backend's own stable code (ours: the engine's, the cluster trainer's);
 *                        a hosted provider's failures all carry PROVIDER_JOB_FAILED, its words in the reason
 * @param settings        every setting it takes, with its allowed range; a user's setting not listed is refused
 */
public record Capabilities(Set<TrainingMethod> methods, Set<TrainingType> trainingTypes, SecondStage secondStage, DataPlacement data,
                           ValidationFile validationFile, Progress progress, Pricing pricing, boolean pauseResume,
                           boolean weightsDownload, String costSource, boolean ownFailureCodes, Map<SpecField<?>, FieldRule<?>> settings) {

    /** How a job continues the result of an earlier one (SFT then DPO, more data later). */
    public enum SecondStage {
        /** It cannot. */
        NONE(false),
        /** From the earlier job's id at the provider (Together's {@code from_checkpoint}). */
        PROVIDER_JOB(false),
        /** From the earlier job's output model (Fireworks' {@code warmStartFrom}). */
        OUTPUT_MODEL(false),
        /** By training the earlier job's output model as the new base model (OpenAI). */
        AS_BASE_MODEL(false),
        /**
         * From the earlier job's adapter in our bucket (its output model {@code s3://bucket/jobs/{id}/adapter/}), trained
         * further, so the adapter keeps its shape; a bare checkpoint reference is refused (it could name any folder of
         * the shared bucket, another tenant's too).
         */
        ADAPTER_IN_BUCKET(true);

        private final boolean keepsAdapterShape;

        SecondStage(boolean keepsAdapterShape) {
            this.keepsAdapterShape = keepsAdapterShape;
        }

        /** The adapter is trained further: its rank, alpha and target modules cannot change. */
        public boolean keepsAdapterShape() {
            return keepsAdapterShape;
        }

        /** Whether a user may name a checkpoint directly ({@code fromCheckpoint}) instead of an earlier job. */
        public boolean acceptsCheckpointReference() {
            return this == PROVIDER_JOB || this == OUTPUT_MODEL;
        }
    }

    /** Where the backend reads the training data. */
    public enum DataPlacement {
        /** Each split is uploaded to the provider. */
        UPLOADED,
        /** The splits are read where validation left them, in our bucket; nothing is copied. */
        IN_OUR_BUCKET
    }

    /** When a validation split goes along with the job. */
    public enum ValidationFile {
        /** Whenever the dataset has one. */
        WHEN_PRESENT,
        /** Only when the job evaluates during training ({@code nEvals > 0}; Together ignores it otherwise). */
        WHEN_EVALUATED
    }

    /** How a job's state, metrics and checkpoints reach the service. */
    public enum Progress {
        /** Polled from the provider by the job tracker. */
        POLLED,
        /** Reported by the backend itself as it trains in this process (the local engine). */
        REPORTED
    }

    /** Whether jobs are billed. */
    public enum Pricing {
        /** Per token, by the catalog's prices: estimates and budgets apply. */
        CATALOG,
        /** On hardware the deployment already has: no estimate, no budget. */
        UNPRICED
    }

    public Capabilities {
        methods = Collections.unmodifiableSet(EnumSet.copyOf(methods));
        trainingTypes = Collections.unmodifiableSet(EnumSet.copyOf(trainingTypes));
        Objects.requireNonNull(secondStage, "secondStage");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(validationFile, "validationFile");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(pricing, "pricing");
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The training type of a job that does not choose one: LoRA where offered, else the one the backend has (MANAGED). */
    public TrainingType defaultTrainingType() {
        return trainingTypes.contains(TrainingType.LORA) ? TrainingType.LORA : trainingTypes.iterator().next();
    }

    public boolean supports(SpecField<?> field) {
        return settings.containsKey(field);
    }

    public Optional<FieldRule<?>> rule(SpecField<?> field) {
        return Optional.ofNullable(settings.get(field));
    }

    /** The setting names this backend takes, for error messages. */
    public List<String> settingNames() {
        return settings.keySet().stream().map(SpecField::name).toList();
    }

    /**
     * Refuses a spec this backend cannot run as written: a method or training type it does not offer, or a setting the
     * user chose that it would have to drop or that is outside its range. Catalog and provider defaults it does not
     * send are simply not sent; they were never the user's request.
     */
    public void refuseUnsupported(String provider, EffectiveSpec spec) {
        if (!methods.contains(spec.method())) {
            throw new ProviderException(provider, ErrorCode.PROVIDER_UNSUPPORTED, provider + " does not offer " + spec.method().wireName()
                    + " training", 0, null, "method", null);
        }
        if (!trainingTypes.contains(spec.trainingType())) {
            throw new ProviderException(provider, ErrorCode.PROVIDER_UNSUPPORTED, provider + " does not offer trainingType "
                    + spec.trainingType().wireName() + "; it offers " + trainingTypes.stream().map(TrainingType::wireName).toList(),
                    0, null, "trainingType", null);
        }
        spec.settings().forEach((field, setting) -> {
            if (setting.source() != ValueSource.USER) {
                return;
            }
            FieldRule<?> rule = settings.get(field);
            if (rule == null) {
                throw new ProviderException(provider, ErrorCode.PROVIDER_UNSUPPORTED,
                        provider + " has no equivalent of the setting '" + field.name() + "'; remove it or choose another backend",
                        0, null, field.name(), null);
            }
            if (!rule.accepts(setting.value())) {
                throw new ProviderException(provider, ErrorCode.PROVIDER_UNSUPPORTED, field.name() + " must be " + rule.describe() + " on "
                        + provider + ", got " + setting.value(), 0, null, field.name(), null);
            }
        });
    }

    /** Fluent construction: every part named where it is set. */
    public static final class Builder {
        private Set<TrainingMethod> methods = EnumSet.of(TrainingMethod.SFT);
        private Set<TrainingType> trainingTypes = EnumSet.of(TrainingType.LORA);
        private SecondStage secondStage = SecondStage.NONE;
        private DataPlacement data = DataPlacement.UPLOADED;
        private ValidationFile validationFile = ValidationFile.WHEN_PRESENT;
        private Progress progress = Progress.POLLED;
        private Pricing pricing = Pricing.CATALOG;
        private boolean pauseResume;
        private boolean weightsDownload;
        private String costSource = "reported price";
        private boolean ownFailureCodes;
        private final Map<SpecField<?>, FieldRule<?>> settings = new LinkedHashMap<>();

        public Builder methods(TrainingMethod first, TrainingMethod... rest) {
            methods = EnumSet.of(first, rest);
            return this;
        }

        public Builder trainingTypes(TrainingType first, TrainingType... rest) {
            trainingTypes = EnumSet.of(first, rest);
            return this;
        }

        public Builder secondStage(SecondStage s) {
            secondStage = s;
            return this;
        }

        public Builder data(DataPlacement d) {
            data = d;
            return this;
        }

        public Builder validationFile(ValidationFile v) {
            validationFile = v;
            return this;
        }

        public Builder progress(Progress p) {
            progress = p;
            return this;
        }

        public Builder pricing(Pricing p) {
            pricing = p;
            return this;
        }

        public Builder pauseResume() {
            pauseResume = true;
            return this;
        }

        public Builder weightsDownload() {
            weightsDownload = true;
            return this;
        }

        public Builder ownFailureCodes() {
            ownFailureCodes = true;
            return this;
        }

        public Builder costSource(String words) {
            costSource = words;
            return this;
        }

        /** Settings taken in whatever range the spec field itself allows. */
        public Builder settings(SpecField<?>... fields) {
            for (SpecField<?> f : fields) {
                settings.put(f, FieldRule.any(f));
            }
            return this;
        }

        /** Settings taken in a narrower range. */
        public Builder settings(FieldRule<?>... rules) {
            for (FieldRule<?> r : rules) {
                settings.put(r.field(), r);
            }
            return this;
        }

        public Capabilities build() {
            return new Capabilities(methods, trainingTypes, secondStage, data, validationFile, progress, pricing, pauseResume,
                    weightsDownload, costSource, ownFailureCodes, settings);
        }
    }
}
