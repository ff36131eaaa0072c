package dev.refinery.kit.problem;

import dev.refinery.kit.work.TransientFailures;
import com.fasterxml.jackson.core.JsonProcessingException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Map;

/**
 * Every error leaves the service as {@code application/problem+json} with a stable code: the
 * service's own {@link ApiException}s, the framework's 404/405/406/415, unreadable JSON bodies, a store briefly
 * away (503 with Retry-After), and, as a last resort, anything unexpected (500 without a stack trace; the trace goes to
 * the log).
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final int STORE_RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri) {
        Response r = respond(e.status(), e.code(), e.title(), e.getMessage(), uri, e.details());
        return e.retryAfterSeconds() == null ? r : Response.fromResponse(r).header("Retry-After", e.retryAfterSeconds()).build();
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, UriInfo uri) {
        return respond(404, "NOT_FOUND", "Not found", "no resource at " + uri.getPath(), uri, null);
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, UriInfo uri) {
        return respond(405, "METHOD_NOT_ALLOWED", "Method not allowed", "this method is not allowed on " + uri.getPath(), uri, null);
    }

    @ServerExceptionMapper
    public Response notAcceptable(NotAcceptableException e, UriInfo uri) {
        return respond(406, "NOT_ACCEPTABLE", "Not acceptable",
                "this resource cannot answer in the media type the Accept header asks for", uri, null);
    }

    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e, UriInfo uri) {
        return respond(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type",
                "the request's Content-Type is not accepted here", uri, null);
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e, UriInfo uri) {
        return respond(400, "REQUEST_BODY_INVALID", "Bad request", "the request body is not valid JSON for this endpoint: "
                + e.getOriginalMessage(), uri, null);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status >= 500) {
            LOG.errorf(e, "request %s failed", uri.getPath());
        }
        Response.Status known = Response.Status.fromStatusCode(status);
        return respond(status, "HTTP_" + status, known == null ? "Error" : known.getReasonPhrase(), e.getMessage(), uri, null);
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        if (TransientFailures.isTransient(e)) {
            // The database (or another store) is briefly away: the request may well succeed in a moment.
            LOG.warnf("request %s failed while a store is unavailable: %s", uri.getPath(), e.getMessage());
            return Response.fromResponse(respond(503, "STORE_UNAVAILABLE", "Service unavailable",
                    "a store this service depends on is unavailable for the moment; try again shortly", uri, null))
                    .header("Retry-After", STORE_RETRY_AFTER_SECONDS).build();
        }
        LOG.errorf(e, "unexpected error on %s", uri.getPath());
        return respond(500, "INTERNAL_ERROR", "Internal error",
                "the service failed unexpectedly; the log has the details", uri, null);
    }

    static Response respond(int status, String code, String title, String detail, UriInfo uri, Map<String, Object> extra) {
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status, code, title, detail, uri == null ? null : uri.getPath(), extra))
                .build();
    }
}
