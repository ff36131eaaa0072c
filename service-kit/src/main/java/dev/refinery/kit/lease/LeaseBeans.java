package dev.refinery.kit.lease;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import javax.sql.DataSource;

/** The lease table of the service's data source, one per service. */
@ApplicationScoped
public class LeaseBeans {

    @Produces
    @ApplicationScoped
    WorkLeases workLeases(DataSource dataSource) {
        return new WorkLeases(dataSource);
    }
}
