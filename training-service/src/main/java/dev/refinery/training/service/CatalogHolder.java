package dev.refinery.training.service;

import dev.refinery.catalog.ModelCatalog;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The provider model and price catalog ({@code refinery-catalog}): the bundled file, or the one {@code REFINERY_CATALOG}
 * names, read once at start. A deployment changes prices by replacing that file and restarting.
 */
@ApplicationScoped
public class CatalogHolder {

    private static final Logger LOG = Logger.getLogger(CatalogHolder.class);
    private ModelCatalog catalog;

    @PostConstruct
    void load() {
        catalog = ModelCatalog.loadFromEnvironment();
        LOG.infof("model catalog revision %s from %s: backends %s", catalog.revision(), catalog.origin(), catalog.backendIds());
    }

    public ModelCatalog get() {
        return catalog;
    }
}
