package dev.refinery.datasets.check;

import dev.refinery.datasets.rules.Finding;
import dev.refinery.datasets.targets.Target;

/**
 * A finding placed in the file: its line (1-based; 0 for the whole file) and the target it is about
 * (null when every target shares the rule).
 */
public record LineFinding(long line, Target target, Finding finding) {
}
