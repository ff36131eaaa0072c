package dev.refinery.catalog.cost;

import java.util.List;

/** What a billing rule worked out: billed tokens, the epochs used, and what it had to assume. */
record Billing(BilledTokens tokens, int epochs, List<String> assumptions) {
}
