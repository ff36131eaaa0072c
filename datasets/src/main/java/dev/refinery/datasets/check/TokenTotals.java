package dev.refinery.datasets.check;

/** Token totals over the kept records, in file order, for the report. */
interface TokenTotals {

    void add(long line, int tokens, int trainedTokens);

    Object summary();
}
