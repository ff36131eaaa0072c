/**
 * What a chat dataset's records must look like, and how valid records are split: plain Java (JSON via
 * Jackson, no Quarkus, no storage, no database), so that it can move into a shared validation library
 * and be tested without a running service. The service feeds it bytes and stores what it returns.
 */
package dev.refinery.validation.records;
