package dev.refinery.providers.together;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.providers.http.ContentSlice;
import dev.refinery.providers.http.HttpResult;
import dev.refinery.providers.http.LenientJson;
import dev.refinery.providers.http.MultipartBody;
import dev.refinery.providers.http.OutgoingRequest;
import dev.refinery.providers.http.ProviderHttp;
import dev.refinery.providers.http.RetryMode;
import dev.refinery.providers.spec.DatasetFile;
import dev.refinery.providers.spi.ErrorCode;
import dev.refinery.providers.spi.ProviderException;
import dev.refinery.providers.spi.UploadedFile;

import java.net.http.HttpRequest.BodyPublishers;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Together's three upload paths (reference providers.md §1.2): the documented multipart form, the SDK's
 * redirect to a presigned URL, and the S3-style multipart upload for large files.
 */
final class TogetherUploader {

    private static final String PURPOSE = "fine-tune";

    private final ProviderHttp http;
    private final TogetherConfig config;

    TogetherUploader(ProviderHttp http, TogetherConfig config) {
        this.http = http;
        this.config = config;
    }

    UploadedFile upload(DatasetFile file) {
        if (file.sizeBytes() > config.multipartThreshold()) {
            return multipart(file);
        }
        return config.uploadPath() == TogetherConfig.UploadPath.REDIRECT ? redirect(file) : form(file);
    }

    private UploadedFile form(DatasetFile file) {
        MultipartBody body = new MultipartBody()
                .field("file_name", file.fileName())
                .field("purpose", PURPOSE)
                .field("file_type", file.format().wireName())
                .file("file", file.fileName(), "application/octet-stream", file.content(), file.sizeBytes());
        // Re-sending the same bytes creates at most a second, unused file: safe to retry.
        JsonNode response = http.json(OutgoingRequest.postMultipart("/files/upload", body, RetryMode.SAFE));
        return checked(TogetherReader.file(response, file.fileName(), file.sizeBytes()), "/files/upload");
    }

    private UploadedFile redirect(DatasetFile file) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("purpose", PURPOSE);
        form.put("file_name", file.fileName());
        form.put("file_type", file.format().wireName());
        OutgoingRequest start = OutgoingRequest.postForm("/files", form, RetryMode.SAFE);
        HttpResult answer = http.send(start);
        String location = answer.header("location");
        String fileId = answer.header("x-together-file-id");
        if (answer.status() != 302 || location == null || fileId == null) {
            throw new ProviderException(http.provider(), ErrorCode.PROVIDER_RESPONSE_UNREADABLE,
                    "together: POST /files answered HTTP " + answer.status() + " without the expected 302, Location and X-Together-File-Id",
                    answer.status(), null, null, null);
        }
        http.send(OutgoingRequest.put(location, Map.of("Content-Type", "application/octet-stream"),
                BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> openOrFail(file)), file.sizeBytes())));
        JsonNode processed = http.json(OutgoingRequest.postEmpty("/files/" + fileId + "/preprocess", RetryMode.SAFE));
        UploadedFile result = TogetherReader.file(processed, file.fileName(), file.sizeBytes());
        return result.id() == null ? new UploadedFile(http.provider(), fileId, result.fileName(), result.bytes()) : result;
    }

    private UploadedFile multipart(DatasetFile file) {
        long partSize = Math.max(config.partSize(), ceilDiv(file.sizeBytes(), config.maxParts()));
        int numParts = (int) ceilDiv(file.sizeBytes(), partSize);
        ObjectNode init = LenientJson.MAPPER.createObjectNode()
                .put("file_name", file.fileName()).put("file_size", file.sizeBytes()).put("num_parts", numParts)
                .put("purpose", PURPOSE).put("file_type", file.format().wireName());
        JsonNode session = http.json(OutgoingRequest.postJson("/files/multipart/initiate", init, RetryMode.SAFE));
        String uploadId = LenientJson.text(session, "upload_id");
        String fileId = LenientJson.text(session, "file_id");
        JsonNode parts = LenientJson.field(session, "parts");
        if (uploadId == null || fileId == null || parts == null || !parts.isArray() || parts.size() != numParts) {
            throw new ProviderException(http.provider(), ErrorCode.PROVIDER_RESPONSE_UNREADABLE,
                    "together: multipart initiate did not return upload_id, file_id and " + numParts + " part URLs", 200, null, null, null);
        }
        try {
            List<ObjectNode> done = new ArrayList<>();
            for (JsonNode part : parts) {
                int number = LenientJson.longValue(part, "PartNumber", "part_number").intValue();
                long offset = (number - 1) * partSize;
                ContentSlice slice = new ContentSlice(file.content(), offset, Math.min(partSize, file.sizeBytes() - offset));
                HttpResult put = http.send(OutgoingRequest.put(LenientJson.text(part, "URL", "url"), headersOf(part), slice.publisher()));
                String etag = put.header("etag");
                if (etag == null) {
                    throw new ProviderException(http.provider(), ErrorCode.PROVIDER_RESPONSE_UNREADABLE,
                            "together: part " + number + " upload returned no ETag", put.status(), null, null, null);
                }
                done.add(LenientJson.MAPPER.createObjectNode().put("part_number", number).put("etag", etag.replace("\"", "")));
            }
            ObjectNode complete = LenientJson.MAPPER.createObjectNode().put("upload_id", uploadId).put("file_id", fileId);
            ArrayNode list = complete.putArray("parts");
            done.forEach(list::add);
            JsonNode result = http.json(OutgoingRequest.postJson("/files/multipart/complete", complete, RetryMode.SAFE));
            UploadedFile uploaded = TogetherReader.file(result, file.fileName(), file.sizeBytes());
            return uploaded.id() == null ? new UploadedFile(http.provider(), fileId, file.fileName(), file.sizeBytes()) : uploaded;
        } catch (ProviderException e) {
            abortQuietly(uploadId, fileId);
            throw e;
        }
    }

    private void abortQuietly(String uploadId, String fileId) {
        try {
            http.send(OutgoingRequest.postJson("/files/multipart/abort",
                    LenientJson.MAPPER.createObjectNode().put("upload_id", uploadId).put("file_id", fileId), RetryMode.SAFE));
        } catch (ProviderException ignored) {
            // the original failure is what the caller needs; an unaborted upload expires on its own
        }
    }

    private static Map<String, String> headersOf(JsonNode part) {
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode h = LenientJson.field(part, "Headers", "headers");
        if (h != null && h.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equalsIgnoreCase("content-length") && !e.getKey().equalsIgnoreCase("host")) {
                    headers.put(e.getKey(), e.getValue().asText());
                }
            }
        }
        return headers;
    }

    private UploadedFile checked(UploadedFile f, String endpoint) {
        if (f.id() == null) {
            throw new ProviderException(http.provider(), ErrorCode.PROVIDER_RESPONSE_UNREADABLE,
                    "together: " + endpoint + " answered without a file id", 200, null, null, null);
        }
        return f;
    }

    private static java.io.InputStream openOrFail(DatasetFile file) {
        try {
            return file.content().open();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
