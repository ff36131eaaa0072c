/**
 * What this service keeps of a dataset check (counts, sample problems, split sizes). The rules themselves
 * live in the shared {@code refinery-datasets} library, which `refinery datasets check` runs too.
 */
package dev.refinery.validation.records;
