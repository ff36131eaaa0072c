package dev.refinery.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code estimates create --backend B --model ID ...}: the body of POST /v1/estimates, numbers as numbers. */
final class EstimateArgs {

    /** Flag to body field; the second set holds whole numbers. */
    private static final Map<String, String> TEXT = Map.of("--backend", "backend", "--model", "model", "--dataset", "datasetId",
            "--training-type", "trainingType", "--method", "method");
    private static final Map<String, String> NUMBERS = Map.of("--epochs", "epochs", "--evals", "evaluations",
            "--training-tokens", "trainingTokens", "--validation-tokens", "validationTokens", "--examples", "examples");

    private EstimateArgs() {
    }

    static Map<String, Object> parse(String[] a) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (FlagValues option : FlagValues.from(a, 2)) {
            String flag = option.flag();
            String value = option.value();
            if (TEXT.containsKey(flag)) {
                body.put(TEXT.get(flag), value);
            } else if (NUMBERS.containsKey(flag)) {
                try {
                    body.put(NUMBERS.get(flag), Long.parseLong(value));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(flag + " needs a whole number, got '" + value + "'");
                }
            } else {
                throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        return body;
    }
}
