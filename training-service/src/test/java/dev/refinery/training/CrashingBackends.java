package dev.refinery.training;

import dev.refinery.providers.spi.TrainingBackend;
import dev.refinery.catalog.CatalogModel;
import dev.refinery.training.backend.Backends;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusMock;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * The service's backends for one tenant, with a process death at the create call: the submitting thread dies (an
 * {@link Error}, which nothing in the service catches) either just after the provider answered the create (the answer
 * lost with the process) or just before the request left. From then on the "dead process" makes no call for that tenant
 * until {@link #stop()}, after which the service's own restart path (sweep, reattach) runs against the real backends.
 * Every public method of {@link Backends} is passed to the real bean: the mock replaces it for the whole service.
 */
final class CrashingBackends extends Backends {

    static final String TENANT = "t-crash";

    private final Backends real;
    private final boolean afterCreate;
    private volatile boolean dead;
    private volatile boolean stopped;

    private CrashingBackends(Backends real, boolean afterCreate) {
        this.real = real;
        this.afterCreate = afterCreate;
    }

    /** Installs itself for the current test only; {@code injected} is the service's bean (unwrapped to call through). */
    static CrashingBackends install(Backends injected, boolean afterCreate) {
        CrashingBackends c = new CrashingBackends(ClientProxy.unwrap(injected), afterCreate);
        QuarkusMock.installMockForType(c, Backends.class);
        return c;
    }

    boolean crashed() {
        return dead;
    }

    /** The process is back: every call reaches the real backends again. */
    void stop() {
        stopped = true;
    }

    @Override
    public boolean canWorkOn(String backend) {
        return real.canWorkOn(backend);
    }

    @Override
    public void requireEnabled(String backend) {
        real.requireEnabled(backend);
    }

    @Override
    public void stopLocalWork(Duration grace) {
        real.stopLocalWork(grace);
    }

    @Override
    public Optional<String> defaultModel(String backend) {
        return real.defaultModel(backend);
    }

    @Override
    public Optional<CatalogModel> model(String backend, String id) {
        return real.model(backend, id);
    }

    @Override
    public List<String> modelIds(String backend) {
        return real.modelIds(backend);
    }

    @Override
    public String modelHint(String backend) {
        return real.modelHint(backend);
    }

    @Override
    public TrainingBackend forTenant(String tenantId, String provider) {
        TrainingBackend backend = real.forTenant(tenantId, provider);
        if (!TENANT.equals(tenantId)) {
            return backend;
        }
        return (TrainingBackend) Proxy.newProxyInstance(TrainingBackend.class.getClassLoader(), new Class<?>[]{TrainingBackend.class},
                (proxy, method, args) -> {
                    if (!stopped && dead) {
                        throw new SimulatedCrash("the process is down");
                    }
                    if (!stopped && method.getName().equals("create")) {
                        if (afterCreate) {
                            call(backend, method, args); // the provider accepts the job...
                        }
                        dead = true;
                        throw new SimulatedCrash("the process died " + (afterCreate ? "before storing the create's answer" : "before sending the create"));
                    }
                    return call(backend, method, args);
                });
    }

    private static Object call(TrainingBackend backend, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(backend, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static final class SimulatedCrash extends Error {
        SimulatedCrash(String message) {
            super(message, null, false, false);
        }
    }
}
