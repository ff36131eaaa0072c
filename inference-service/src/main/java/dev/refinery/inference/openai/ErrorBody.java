package dev.refinery.inference.openai;

/** OpenAI's error shape: {@code {"error": {"message", "type", "param", "code"}}} (param null when no field is at fault). */
public record ErrorBody(Detail error) {

    public record Detail(String message, String type, String param, String code) {
    }

    public static ErrorBody of(OpenAiException e) {
        return new ErrorBody(new Detail(e.getMessage(), e.type(), e.param(), e.code()));
    }
}
