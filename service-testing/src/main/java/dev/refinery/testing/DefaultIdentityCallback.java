package dev.refinery.testing;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/** Found through the service loader in every {@code @QuarkusTest}: see {@link TestIdentity}. */
public class DefaultIdentityCallback implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        TestIdentity.installDefault();
    }
}
