package dev.refinery.datasets.check;

import dev.refinery.catalog.ModelCatalog;
import dev.refinery.datasets.dedup.EarlierVersions;
import dev.refinery.datasets.split.HeldOutSet;
import dev.refinery.datasets.split.SplitPolicy;
import dev.refinery.datasets.targets.Target;
import dev.refinery.datasets.tokens.OverContextPolicy;
import dev.refinery.datasets.tokens.TokenCounter;
import dev.refinery.datasets.tokens.TokenStats;

import java.util.EnumMap;
import java.util.Map;

/**
 * How to check a dataset. Built with {@link #builder()}; every setting has the default a user gets when
 * they say nothing: the local engine as target, 90/10 splits, duplicates reported but kept, 8 MiB lines,
 * nesting up to 1,000 levels, gzip up to 10 GiB expanded and 200 times its compressed size, 100 sample lines per rule,
 * two worker threads.
 */
public final class CheckOptions {

    private Target target = Target.LOCAL;
    private String model;
    private SplitPolicy splits = SplitPolicy.DEFAULT;
    private DedupPolicy dedup = DedupPolicy.REPORT;
    private EarlierVersions earlierVersions = EarlierVersions.NONE;
    private boolean structuralOnly;
    private int maxLineBytes = 8 * 1024 * 1024;
    /** Jackson's default nesting limit, and about what Python's json module reads before its recursion limit. */
    public static final int DEFAULT_MAX_DEPTH = 1000;

    private int maxDepth = DEFAULT_MAX_DEPTH;
    /**
     * 10 GiB: what a gzip may expand to. The same as ingest-service's default upload limit
     * ({@code refinery.ingest.max-upload-bytes}): compressing a file saves transfer, it does not raise how much data a
     * dataset may hold, so a gzip never expands past what could have been uploaded uncompressed. The ratio limit alone let
     * a file expanding 190 times through up to the former 64 GiB cap.
     */
    public static final long DEFAULT_MAX_DECOMPRESSED_BYTES = 10L * 1024 * 1024 * 1024;

    private long maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES;
    private int maxDecompressionRatio = 200;
    private int samplesPerRule = 100;
    private int threads = 2;
    private int blockBytes = 1 << 20;
    private TokenCounter tokenCounter;
    private int contextLength = TokenStats.NO_CONTEXT_LIMIT;
    private OverContextPolicy overContext;
    private ModelCatalog catalog;
    private TestSetSource fixedTestSet;
    private HeldOutSet heldOutSink;
    private Integer epochs;
    private int evaluations;
    private Map<Target, TargetModel> otherTargetModels = new EnumMap<>(Target.class);

    private CheckOptions() {
    }

    public static Builder builder() {
        return new Builder();
    }

    public Target target() {
        return target;
    }

    /** The target model id, or null when none was named (no context or tokenizer of its own then). */
    public String model() {
        return model;
    }

    public SplitPolicy splits() {
        return splits;
    }

    public DedupPolicy dedup() {
        return dedup;
    }

    public EarlierVersions earlierVersions() {
        return earlierVersions;
    }

    /** Only the structural checks: no fingerprints (so no duplicates or splits), no tokens, no output. */
    public boolean structuralOnly() {
        return structuralOnly;
    }

    public int maxLineBytes() {
        return maxLineBytes;
    }

    public int maxDepth() {
        return maxDepth;
    }

    public long maxDecompressedBytes() {
        return maxDecompressedBytes;
    }

    public int maxDecompressionRatio() {
        return maxDecompressionRatio;
    }

    public int samplesPerRule() {
        return samplesPerRule;
    }

    public int threads() {
        return threads;
    }

    public int blockBytes() {
        return blockBytes;
    }

    /** The target model's tokenizer (thread-safe, shared by the workers), or null: no token counts. */
    public TokenCounter tokenCounter() {
        return tokenCounter;
    }

    /** The model's context in tokens; {@link TokenStats#NO_CONTEXT_LIMIT} when unknown. */
    public int contextLength() {
        return contextLength;
    }

    /**
     * The model a target's verdict is measured against: for the target checked, its model (null without a
     * token counter); for the others, the model set with {@link Builder#otherTargetModel} (their catalog
     * default), or null.
     */
    public TargetModel targetModel(Target t) {
        if (t == target) {
            return tokenCounter == null ? null : new TargetModel(model, tokenCounter, contextLength);
        }
        return otherTargetModels.get(t);
    }

    /** Whether any target's verdict needs token counts (the records' texts are gathered for them). */
    public boolean countsTokens() {
        if (structuralOnly) {
            return false;
        }
        for (Target t : Target.ALL) {
            if (targetModel(t) != null) {
                return true;
            }
        }
        return false;
    }

    /** The user's choice for records over the context; null when none was made (such records then fail the check). */
    public OverContextPolicy overContext() {
        return overContext;
    }

    /** The catalog to price the run with (null: no cost in the report). */
    public ModelCatalog catalog() {
        return catalog;
    }

    /** Epochs for the cost estimate; null: the provider's default rule. */
    public Integer epochs() {
        return epochs;
    }

    /** Evaluation passes over the validation split for the cost estimate. */
    public int evaluations() {
        return evaluations;
    }

    /** A fixed test set: its records are the test split; the file itself is split into train and validation only. */
    public TestSetSource fixedTestSet() {
        return fixedTestSet;
    }

    /** Where a check of a test set puts the fingerprints of the records it keeps (internal: used for fixed test sets). */
    HeldOutSet heldOutSink() {
        return heldOutSink;
    }

    /** Opens the fixed test set's file (it is read once, before the dataset). */
    @FunctionalInterface
    public interface TestSetSource {
        java.io.InputStream open() throws java.io.IOException;
    }

    /** These options for checking a fixed test set: same rules and model, every kept record to one split, no test set of its own. */
    CheckOptions forTestSet(HeldOutSet sink) {
        CheckOptions o = copy();
        o.splits = new SplitPolicy(100, 0, 0);
        o.fixedTestSet = null;
        o.catalog = null;
        o.heldOutSink = sink;
        return o;
    }

    private CheckOptions copy() {
        CheckOptions o = new CheckOptions();
        o.target = target;
        o.model = model;
        o.splits = splits;
        o.dedup = dedup;
        o.earlierVersions = earlierVersions;
        o.structuralOnly = structuralOnly;
        o.maxLineBytes = maxLineBytes;
        o.maxDepth = maxDepth;
        o.maxDecompressedBytes = maxDecompressedBytes;
        o.maxDecompressionRatio = maxDecompressionRatio;
        o.samplesPerRule = samplesPerRule;
        o.threads = threads;
        o.blockBytes = blockBytes;
        o.tokenCounter = tokenCounter;
        o.contextLength = contextLength;
        o.overContext = overContext;
        o.catalog = catalog;
        o.epochs = epochs;
        o.evaluations = evaluations;
        o.fixedTestSet = fixedTestSet;
        o.heldOutSink = heldOutSink;
        o.otherTargetModels = new EnumMap<>(otherTargetModels);
        return o;
    }

    public static final class Builder {
        private final CheckOptions o = new CheckOptions();

        public Builder target(Target target) {
            o.target = target;
            return this;
        }

        public Builder model(String model) {
            o.model = model;
            return this;
        }

        public Builder splits(SplitPolicy splits) {
            o.splits = splits;
            return this;
        }

        public Builder dedup(DedupPolicy dedup) {
            o.dedup = dedup;
            return this;
        }

        public Builder earlierVersions(EarlierVersions earlier) {
            o.earlierVersions = earlier;
            return this;
        }

        public Builder structuralOnly(boolean structuralOnly) {
            o.structuralOnly = structuralOnly;
            return this;
        }

        public Builder maxLineBytes(int bytes) {
            o.maxLineBytes = positive(bytes, "maxLineBytes");
            return this;
        }

        public Builder maxDepth(int depth) {
            o.maxDepth = positive(depth, "maxDepth");
            return this;
        }

        public Builder maxDecompressedBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxDecompressedBytes must be positive");
            }
            o.maxDecompressedBytes = bytes;
            return this;
        }

        public Builder maxDecompressionRatio(int ratio) {
            o.maxDecompressionRatio = positive(ratio, "maxDecompressionRatio");
            return this;
        }

        public Builder samplesPerRule(int samples) {
            o.samplesPerRule = positive(samples, "samplesPerRule");
            return this;
        }

        public Builder threads(int threads) {
            o.threads = positive(threads, "threads");
            return this;
        }

        /** Bytes per unit of parallel work; small values exercise block boundaries in tests. */
        public Builder blockBytes(int bytes) {
            o.blockBytes = positive(bytes, "blockBytes");
            return this;
        }

        public Builder tokens(TokenCounter counter, int contextLength) {
            o.tokenCounter = counter;
            o.contextLength = positive(contextLength, "contextLength");
            return this;
        }

        public Builder overContext(OverContextPolicy policy) {
            o.overContext = policy;
            return this;
        }

        /** The model another target's verdict is measured against (its catalog default; see {@link TargetModels}). */
        public Builder otherTargetModel(Target t, TargetModel model) {
            o.otherTargetModels.put(t, model);
            return this;
        }

        /** Uses a catalog model: its tokenizer and context for the token counts. */
        public Builder model(ModelChoice choice) {
            o.model = choice.model().id();
            return tokens(choice.tokens(), choice.contextLength());
        }

        /** Prices the run (training on the train split, evaluations on the validation split) in the report. */
        public Builder pricing(ModelCatalog catalog, Integer epochs, int evaluations) {
            o.catalog = catalog;
            o.epochs = epochs;
            o.evaluations = evaluations;
            return this;
        }

        /**
         * Uses a fixed test set: the file's records are split by the train/validation ratios only (the test
         * share must be 0), and a record or prompt that equals a test record is reported as a leak.
         */
        public Builder fixedTestSet(TestSetSource source) {
            o.fixedTestSet = source;
            return this;
        }

        public CheckOptions build() {
            if (o.fixedTestSet != null && o.splits.testPercent() != 0) {
                throw new IllegalArgumentException("with a fixed test set the splits are train/validation only (e.g. 90/10); got "
                        + o.splits);
            }
            return o.copy();
        }

        private static int positive(int v, String name) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be positive, got " + v);
            }
            return v;
        }
    }
}
