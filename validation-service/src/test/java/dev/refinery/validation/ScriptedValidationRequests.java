package dev.refinery.validation;

import dev.refinery.testing.ScriptedFaults;
import dev.refinery.validation.events.DatasetUploaded;
import dev.refinery.validation.service.ValidationRequests;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

/** The consumer's effect with the faults a test scripts per dataset; the real effect for every other dataset. */
@Alternative
@Priority(1)
@ApplicationScoped
public class ScriptedValidationRequests extends ValidationRequests {

    private final ScriptedFaults faults = new ScriptedFaults();

    /** A method, not the field: the test holds a client proxy, whose own fields are not the bean's. */
    ScriptedFaults faults() {
        return faults;
    }

    @Override
    public boolean request(DatasetUploaded event) {
        faults.before(event.datasetId());
        return super.request(event);
    }
}
