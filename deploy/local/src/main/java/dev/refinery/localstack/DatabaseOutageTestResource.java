package dev.refinery.localstack;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link LocalStackTestResource} with the service's database connections going through a {@link DatabaseOutage}, which
 * the test gets in a field of that type: {@code @WithTestResource(DatabaseOutageTestResource.class)}. A test class with
 * it runs on a stack of its own (Quarkus starts one per set of test resources).
 */
public class DatabaseOutageTestResource extends LocalStackTestResource {

    private DatabaseOutage outage;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        String url = config.get("quarkus.datasource.jdbc.url");
        int port = Integer.parseInt(url.replaceFirst("^jdbc:postgresql://[^:/]+:(\\d+)/.*$", "$1"));
        outage = DatabaseOutage.proxying("127.0.0.1", port);
        config.put("quarkus.datasource.jdbc.url", outage.jdbcUrl(url));
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(outage, new TestInjector.MatchesType(DatabaseOutage.class));
    }

    @Override
    public void stop() {
        if (outage != null) {
            outage.close();
            outage = null;
        }
        super.stop();
    }
}
