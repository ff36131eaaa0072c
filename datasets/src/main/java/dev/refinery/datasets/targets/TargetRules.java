package dev.refinery.datasets.targets;

import dev.refinery.datasets.format.RecordFeatures;
import dev.refinery.datasets.format.RecordFormat;
import dev.refinery.datasets.format.Role;
import dev.refinery.datasets.rules.Finding;
import dev.refinery.datasets.rules.Rule;

import java.util.ArrayList;
import java.util.List;

/** A record's problems for one target, beyond the rules every target shares: format, roles, tools, images. */
public final class TargetRules {

    private static final Role[] NO_ROLES = {};

    private TargetRules() {
    }

    /** The target-specific findings of a record that passed the shared rules: errors refuse the record, warnings do not. */
    public static List<Finding> check(Target target, RecordFeatures features) {
        List<Finding> found = List.of();
        RecordFormat format = features.format();
        if (!target.accepts(format)) {
            return List.of(Finding.of(Rule.METHOD_NOT_SUPPORTED, "", target.displayName() + " does not accept "
                    + format.id() + " records (" + format.keys() + ")"));
        }
        for (Role role : target.acceptsAll(features.roleMask()) ? NO_ROLES : Role.ALL) {
            if (features.uses(role) && !target.accepts(role)) {
                found = add(found, Finding.of(Rule.ROLE_NOT_ALLOWED, "messages", target.displayName() + " does not accept the \""
                        + role.id() + "\" role"));
            }
        }
        if (features.usesTools() && !target.acceptsTools() && !features.uses(Role.TOOL)) {
            found = add(found, Finding.of(Rule.TOOLS_NOT_ALLOWED, "messages", target.displayName() + " does not accept tool calls"));
        }
        if (features.images() > 0 && (!target.acceptsImages() || format == RecordFormat.PREFERENCE)) {
            found = add(found, Finding.of(Rule.IMAGES_NOT_ALLOWED, "messages", target.displayName() + " does not accept images"
                    + (format == RecordFormat.PREFERENCE ? " in preference data" : "")));
        }
        if (features.repeatedRole() && !target.allows(Target.Capability.REPEATED_TOOL_ROLE)) {
            found = add(found, Finding.of(Rule.ROLE_ORDER, "messages", target.displayName() + "'s check refuses two messages in a row with the"
                    + " same role (here consecutive tool results); put the results in one tool message or choose another target"));
        }
        if (features.parallelToolCalls() && !target.acceptsParallelToolCalls() && format == RecordFormat.CONVERSATION) {
            found = add(found, Finding.of(Rule.UNKNOWN_FIELD, "parallel_tool_calls", target.displayName()
                    + "'s format has no \"parallel_tool_calls\"; it is left out of the validated output for " + target.displayName()));
        }
        return found;
    }

    private static List<Finding> add(List<Finding> list, Finding f) {
        List<Finding> out = list.isEmpty() ? new ArrayList<>(2) : list;
        out.add(f);
        return out;
    }
}
