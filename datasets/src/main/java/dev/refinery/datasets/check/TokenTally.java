package dev.refinery.datasets.check;

import dev.refinery.datasets.model.TextMessage;

import java.util.List;

/** Counts a usable record's tokens into its block result; one per worker thread. */
interface TokenTally {

    void count(List<TextMessage> turns, BlockResult result, int record);
}
