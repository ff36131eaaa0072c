package dev.refinery.ingest;

import dev.refinery.ingest.repository.ExampleLedger;
import dev.refinery.testing.ScriptedFaults;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.util.Optional;

/** The ledger with the faults a test scripts per collection (the database away for n tries); the real one for every other. */
@Alternative
@Priority(1)
@ApplicationScoped
public class ScriptedExampleLedger extends ExampleLedger {

    private final ScriptedFaults faults = new ScriptedFaults();

    /** A method, not the field: the test holds a client proxy, whose own fields are not the bean's. */
    ScriptedFaults faults() {
        return faults;
    }

    @Override
    public Optional<String> storeOnce(StoredExample example) {
        faults.before(example.collectionId());
        return super.storeOnce(example);
    }
}
