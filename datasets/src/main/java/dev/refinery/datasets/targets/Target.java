package dev.refinery.datasets.targets;

import dev.refinery.datasets.format.RecordFormat;
import dev.refinery.datasets.format.Role;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The training targets and the dataset rules each one enforces, from the providers' documentation
 * (shared/reference/providers.md §1.3, §2.3, §3.2, §5.9) and the local engine's reader. Where a rule
 * is documented only for newer models (Together's tool calling) the target accepts it and says so in
 * {@link #notes()}.
 */
public enum Target {

    LOCAL("local", "the local engine", 1, Long.MAX_VALUE,
            EnumSet.of(RecordFormat.CONVERSATION, RecordFormat.PREFERENCE),
            EnumSet.of(Role.SYSTEM, Role.USER, Role.ASSISTANT), EnumSet.of(Capability.REPEATED_TOOL_ROLE), null,
            "Trains SFT on conversations and DPO on preference pairs (string or text-part content); no tools or images."),
    TOGETHER("together", "Together AI", 1, Long.MAX_VALUE,
            EnumSet.of(RecordFormat.CONVERSATION, RecordFormat.INSTRUCTION, RecordFormat.TEXT, RecordFormat.PREFERENCE, RecordFormat.TOKENIZED),
            EnumSet.allOf(Role.class), EnumSet.of(Capability.TOOLS, Capability.IMAGES), ProviderCheck.TOGETHER,
            "Tools, tool calls and the tool role are in Together's function-calling format and its current SDK check (the v1 SDK's"
                    + " check refused them); parallel_tool_calls is not, and is left out. Images need a vision model."),
    FIREWORKS("fireworks", "Fireworks AI", 3, 3_000_000,
            EnumSet.of(RecordFormat.CONVERSATION, RecordFormat.PREFERENCE),
            EnumSet.allOf(Role.class), EnumSet.of(Capability.TOOLS, Capability.REPEATED_TOOL_ROLE), null,
            "Chat (OpenAI) format only; 3 to 3,000,000 examples."),
    OPENAI("openai", "OpenAI", 10, Long.MAX_VALUE,
            EnumSet.of(RecordFormat.CONVERSATION, RecordFormat.PREFERENCE),
            EnumSet.allOf(Role.class), EnumSet.allOf(Capability.class), ProviderCheck.OPENAI,
            "At least 10 examples (50-100 recommended); preference data is text only. New jobs end on 2027-01-06.");

    /** What a target's format allows beyond plain text conversations. */
    public enum Capability {
        /** Tool declarations, tool calls and the tool role. */
        TOOLS,
        /** Image parts in user messages. */
        IMAGES,
        /** A conversation's {@code parallel_tool_calls} (kept in the validated output). */
        PARALLEL_TOOL_CALLS,
        /** Consecutive tool results, each a message of its own (Together's check refuses any role twice in a row). */
        REPEATED_TOOL_ROLE
    }

    /** Every target, in order; {@code values()} copies its array on each call, and this is read per record. */
    public static final Target[] ALL = values();

    private final String id;
    private final String displayName;
    private final long minRecords;
    private final long maxRecords;
    private final Set<RecordFormat> formats;
    private final int roleMask;
    private final Set<Capability> capabilities;
    private final ProviderCheck providerCheck;
    private final String notes;

    Target(String id, String displayName, long minRecords, long maxRecords, Set<RecordFormat> formats, Set<Role> roles,
           Set<Capability> capabilities, ProviderCheck providerCheck, String notes) {
        this.id = id;
        this.displayName = displayName;
        this.minRecords = minRecords;
        this.maxRecords = maxRecords;
        this.formats = formats;
        int mask = 0;
        for (Role r : roles) {
            mask |= r.bit();
        }
        this.roleMask = mask;
        this.capabilities = capabilities;
        this.providerCheck = providerCheck;
        this.notes = notes;
    }

    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    public long minRecords() {
        return minRecords;
    }

    public long maxRecords() {
        return maxRecords;
    }

    public boolean accepts(RecordFormat format) {
        return formats.contains(format);
    }

    public boolean accepts(Role role) {
        return (roleMask & role.bit()) != 0;
    }

    /** Whether every role in {@code roles} (a mask of {@link Role#bit()}) is accepted. */
    public boolean acceptsAll(int roles) {
        return (roles & ~roleMask) == 0;
    }

    public boolean allows(Capability capability) {
        return capabilities.contains(capability);
    }

    public boolean acceptsTools() {
        return allows(Capability.TOOLS);
    }

    public boolean acceptsImages() {
        return allows(Capability.IMAGES);
    }

    /** Whether the target's format has a conversation's {@code parallel_tool_calls} (kept in its validated output). */
    public boolean acceptsParallelToolCalls() {
        return allows(Capability.PARALLEL_TOOL_CALLS);
    }

    /** The provider's own client-side check of a raw file, when it publishes one; null otherwise. */
    public ProviderCheck providerCheck() {
        return providerCheck;
    }

    public String notes() {
        return notes;
    }

    public static Optional<Target> byId(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.id.equals(wanted)).findFirst();
    }
}
