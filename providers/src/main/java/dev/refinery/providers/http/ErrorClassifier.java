package dev.refinery.providers.http;

import dev.refinery.providers.spi.ErrorCode;

import java.util.Locale;

/** Turns an HTTP failure into one of our stable codes. */
public final class ErrorClassifier {

    private ErrorClassifier() {
    }

    public static ErrorCode classify(int status, ErrorBody body) {
        if (status == 401) {
            return ErrorCode.PROVIDER_AUTH_FAILED;
        }
        if (status == 403) {
            // 403 also means "not allowed" (Fireworks code 7 for an empty balance, OpenAI's wind-down); only a
            // complaint about the key itself is an authentication failure a person fixes by changing the key.
            return mentionsBadKey(body) ? ErrorCode.PROVIDER_AUTH_FAILED : ErrorCode.PROVIDER_REJECTED;
        }
        if (status == 404) {
            return ErrorCode.PROVIDER_NOT_FOUND;
        }
        if (status == 429) {
            return ErrorCode.PROVIDER_RATE_LIMITED;
        }
        if (status >= 500) {
            return ErrorCode.PROVIDER_UNAVAILABLE;
        }
        return ErrorCode.PROVIDER_REJECTED;
    }

    private static boolean mentionsBadKey(ErrorBody body) {
        String all = (String.valueOf(body.message()) + " " + body.type() + " " + body.code()).toLowerCase(Locale.ROOT);
        return all.contains("api key") || all.contains("api_key") || all.contains("apikey") || all.contains("unauthenticated")
                || all.contains("authentication") || all.contains("invalid token") || all.contains("unauthorized");
    }
}
