package dev.refinery.training;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Base64;
import java.util.Map;

/**
 * One WireMock server standing in for Together ({@code /together/v1}), Fireworks ({@code /fireworks/v1}) and OpenAI
 * ({@code /openai/v1}); the service is pointed at it by configuration, with short polls and no retries. Together and
 * OpenAI keys come from "the environment" (config); Fireworks has none, so its tests store a tenant key.
 */
public class ProviderStubs implements QuarkusTestResourceLifecycleManager {

    /** Init arg: every tenant's cap in USD; "none" for no cap (unpriced jobs, such as Fireworks DPO, are refused under a cap). */
    static final String TENANT_USD = "tenant-usd";

    static WireMockServer server;
    static final java.util.List<String> DEPLOYMENT_KEY_TENANTS = java.util.List.of("default", "t-same", "t-download", "t-restart",
            "t-budget", "t-limits", "t-huge", "t-badkey", "t-outage", "t-cap", "t-cancel", "t-pause", "t-nopause", "t-crash", "t-502",
            "t-stages", "t-rerun", "t-migrate", "t-parallel", "t-a", "t-b");
    private String tenantUsd = "5";

    @Override
    public void init(Map<String, String> initArgs) {
        tenantUsd = initArgs.getOrDefault(TENANT_USD, tenantUsd);
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().globalTemplating(true));
        server.start();
        String base = "http://localhost:" + server.port();
        Map<String, String> config = new java.util.HashMap<>(Map.ofEntries(
                Map.entry("refinery.training.providers.together.base-url", base + "/together/v1"),
                Map.entry("refinery.training.providers.fireworks.base-url", base + "/fireworks/v1"),
                Map.entry("refinery.training.providers.openai.base-url", base + "/openai/v1"),
                Map.entry("refinery.training.providers.together.inference-url", base + "/together/v1"),
                Map.entry("refinery.training.providers.together.api-key", "tg-test-key-0123456789"),
                Map.entry("refinery.training.providers.openai.api-key", "sk-test-key-0123456789"),
                Map.entry("refinery.training.providers.fireworks.api-key", ""),
                Map.entry("refinery.training.providers.fireworks.account-id", "acct"),
                Map.entry("refinery.training.providers.max-retries", "0"),
                Map.entry("refinery.training.providers.poll-running", "PT0.2S"),
                Map.entry("refinery.training.providers.poll-queued", "PT0.2S"),
                Map.entry("refinery.training.providers.max-poll-backoff", "PT1S"),
                Map.entry("refinery.training.secrets.key", Base64.getEncoder().encodeToString(new byte[32])),
                // The tenants these tests run provider jobs as, on the stubs' "deployment" keys; any other tenant must store its own.
                Map.entry("refinery.training.deployment-key-tenants", String.join(",", DEPLOYMENT_KEY_TENANTS))));
        if (!"none".equals(tenantUsd)) {
            config.put("refinery.training.budget.tenant-usd", tenantUsd);
        }
        return config;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
