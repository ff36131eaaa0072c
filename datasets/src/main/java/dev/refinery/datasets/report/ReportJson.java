package dev.refinery.datasets.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;

/** report.json: the report as machines read it; field order is fixed, so the same check gives the same bytes. */
public final class ReportJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private ReportJson() {
    }

    public static byte[] write(DatasetReport report) {
        try {
            return JSON.writeValueAsBytes(report);
        } catch (IOException e) {
            throw new IllegalStateException("a report could not be written as JSON", e);
        }
    }

    public static DatasetReport read(byte[] json) throws IOException {
        return JSON.readValue(json, DatasetReport.class);
    }
}
