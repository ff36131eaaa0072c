package dev.refinery.gateway.identity;

import dev.refinery.identity.KeyFormat;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/** Makes sure the configured bootstrap admin key works from the first request on. */
@ApplicationScoped
public class BootstrapKey {

    private static final Logger LOG = Logger.getLogger(BootstrapKey.class);

    @Inject
    AuthConfig config;

    @Inject
    KeyStore store;

    void onStart(@Observes StartupEvent event) {
        if (config.bootstrapKey().isEmpty()) {
            store.revokeBootstrapKeysOtherThan(null); // it exists only while it is configured
            LOG.info("no refinery.auth.bootstrap-key configured: only keys already in the database can call the API");
            return;
        }
        String key = config.bootstrapKey().get().strip();
        String prefix = KeyFormat.prefixOf(key).orElseThrow(() -> new IllegalStateException(
                "refinery.auth.bootstrap-key is not a Refinery API key (rfy_ + 8 letters or digits + _ + 32 letters or digits)"));
        store.ensureBootstrapKey(key);
        LOG.infof("bootstrap admin key %s... is valid for project default", prefix);
    }
}
