package dev.refinery.validation.rest;

import java.util.List;

/**
 * A page of a dataset's problems, in line order.
 *
 * @param rule   the rule code filtered on, or null for all
 * @param total  problems counted (of that rule, or all), including those beyond the kept ones
 * @param kept   problems stored in full and available for paging (the first ones of each rule)
 */
public record ProblemPage(String datasetId, String rule, long total, long kept, int offset, int limit, List<ProblemView> items) {
}
