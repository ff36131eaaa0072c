package dev.refinery.training.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.training.service.Hyperparameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** Hyperparameters as the JSON text the job table keeps (values and sources in two columns). */
public final class HyperparameterJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HyperparameterJson() {
    }

    public static String values(Hyperparameters h) {
        return write(h.values());
    }

    public static String sources(Hyperparameters h) {
        return write(h.sources());
    }

    public static Hyperparameters read(String values, String sources) {
        try {
            Map<String, Object> v = JSON.readValue(values, new TypeReference<LinkedHashMap<String, Object>>() {
            });
            Map<String, String> s = JSON.readValue(sources, new TypeReference<LinkedHashMap<String, String>>() {
            });
            return new Hyperparameters(v, s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored hyperparameters are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String write(Map<String, ?> map) {
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write hyperparameters as JSON", e);
        }
    }
}
