package dev.refinery.eval.inference;

import dev.refinery.catalog.ModelCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.time.Clock;

/** The service's one inference client, with its cache in the service's database. */
@ApplicationScoped
public class InferenceBeans {

    @Produces
    @Singleton
    OutputCache outputCache(DataSource dataSource) {
        return new JdbcOutputCache(dataSource);
    }

    @Produces
    @Singleton
    InferenceClient inferenceClient(InferenceConfig config, OutputCache cache) {
        Clock clock = Clock.systemUTC();
        // The same catalog file as training-service's: the bundled one, or the one REFINERY_CATALOG names.
        ServingCutoffs cutoffs = ServingCutoffs.from(ModelCatalog.loadFromEnvironment(), clock);
        return new InferenceClient(config.toSettings(), cache, cutoffs, clock);
    }
}
