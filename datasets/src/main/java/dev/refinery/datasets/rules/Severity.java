package dev.refinery.datasets.rules;

/** ERROR: the record (or dataset) is not usable as it is. WARNING: usable, but the user should know (and it may be changed on output). */
public enum Severity {
    ERROR, WARNING
}
