package dev.refinery.kit.work;


import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Tells a failure that may pass by itself (the database, object storage or the broker briefly away) from one that will
 * not (bad data, a bug, a refused request). Transient failures are retried with back-off and never counted against the
 * work, never dead-lettered; the others fail the attempt. The whole cause chain is read: frameworks wrap the cause.
 */
public final class TransientFailures implements Predicate<Throwable> {

    public static final TransientFailures INSTANCE = new TransientFailures();

    /**
     * Exception classes known by name only: no compile-time dependency on Hibernate, Agroal or Kafka here, nor on the
     * service kit's own (this core part also serves the gateway, which has no lease or worker).
     */
    private static final Set<String> TRANSIENT_CLASS_NAMES = Set.of(
            "dev.refinery.kit.lease.LeaseStoreException",
            "dev.refinery.kit.work.RetryLater",
            "org.hibernate.exception.JDBCConnectionException",
            "org.hibernate.exception.LockAcquisitionException",
            "jakarta.persistence.QueryTimeoutException",
            "jakarta.persistence.PessimisticLockException",
            "jakarta.persistence.LockTimeoutException",
            "jakarta.persistence.OptimisticLockException",
            "org.hibernate.StaleObjectStateException",
            "org.apache.kafka.common.errors.RetriableException",
            "org.apache.kafka.common.errors.TimeoutException",
            "org.apache.kafka.common.errors.DisconnectException",
            "io.minio.errors.ServerException",
            "java.io.InterruptedIOException",
            "java.io.EOFException");

    private TransientFailures() {
    }

    public static boolean isTransient(Throwable failure) {
        return INSTANCE.test(failure);
    }

    @Override
    public boolean test(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException || t instanceof ConnectException
                    || t instanceof SocketTimeoutException || t instanceof UnknownHostException) {
                return true;
            }
            if (t instanceof SQLException sql && transientState(sql.getSQLState())) {
                return true;
            }
            for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
                if (TRANSIENT_CLASS_NAMES.contains(c.getName())) {
                    return true;
                }
            }
            if (t.getMessage() != null && t.getMessage().contains("Unable to acquire JDBC Connection")) {
                return true;
            }
            if (commitLostWithoutCause(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The transaction manager's "could not commit" with nothing under it: the database went away during the commit itself
     * (seen in the end-to-end outage test, where a dead-lettered job-completed was the result). Nothing of the work was
     * kept (the inbox row rolled back with it), so trying again is safe; a refusal by the database (a constraint) comes
     * with its cause and stays permanent.
     */
    private static boolean commitLostWithoutCause(Throwable t) {
        return t.getCause() == null && "jakarta.transaction.RollbackException".equals(t.getClass().getName());
    }

    /**
     * SQL states that say "try again": connection exceptions (08), serialization failure and deadlock (40001, 40P01),
     * too many connections (53300), the server shutting down or restarting (57P01..57P03), lock not available (55P03).
     */
    private static boolean transientState(String state) {
        return state != null && (state.startsWith("08") || state.equals("40001") || state.equals("40P01") || state.equals("53300")
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03") || state.equals("55P03"));
    }
}
