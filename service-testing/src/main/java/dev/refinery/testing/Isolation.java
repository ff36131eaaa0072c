package dev.refinery.testing;

import io.restassured.response.Response;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Another tenant's resource must be answered exactly like one that does not exist, or its id could be probed: same
 * status, same media type, same body once the two ids are swapped (problem details name the id they were asked for).
 */
public final class Isolation {

    private Isolation() {
    }

    /**
     * @param forOther   the answer to a request for another tenant's resource {@code otherId}
     * @param forUnknown the same request for {@code unknownId}, an id nobody has
     */
    public static void assertAnsweredLikeUnknown(Response forOther, String otherId, Response forUnknown, String unknownId) {
        assertEquals(forUnknown.statusCode(), forOther.statusCode(), "status for another tenant's " + otherId);
        assertEquals(forUnknown.contentType(), forOther.contentType(), "media type for another tenant's " + otherId);
        assertEquals(forUnknown.asString().replace(unknownId, "{id}"), forOther.asString().replace(otherId, "{id}"),
                "body for another tenant's " + otherId);
    }
}
