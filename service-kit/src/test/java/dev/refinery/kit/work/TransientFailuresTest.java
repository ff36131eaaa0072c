package dev.refinery.kit.work;

import jakarta.transaction.RollbackException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which failures are waited out (no database needed). */
class TransientFailuresTest {

    @Test
    void aCommitLostWithTheDatabaseIsWaitedOutAndARefusedOneIsNot() {
        // What a consumer's transaction threw when PostgreSQL stopped during its commit, wrapped as Quarkus wraps it.
        assertTrue(TransientFailures.isTransient(new IllegalStateException("transaction failed",
                new RollbackException("ARJUNA016053: Could not commit transaction."))));
        RollbackException refused = new RollbackException("ARJUNA016053: Could not commit transaction.");
        refused.initCause(new SQLException("duplicate key value violates unique constraint", "23505"));
        assertFalse(TransientFailures.isTransient(refused), "a constraint the database refused stays a permanent failure");
        assertTrue(TransientFailures.isTransient(new SQLException("connection refused", "08001")));
        assertFalse(TransientFailures.isTransient(new IllegalArgumentException("bad data")));
    }
}
