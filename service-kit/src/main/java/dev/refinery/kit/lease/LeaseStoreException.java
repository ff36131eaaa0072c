package dev.refinery.kit.lease;

import java.sql.SQLException;

/** The lease table could not be read or written (the database is away, mostly): the caller retries later. */
public class LeaseStoreException extends RuntimeException {

    public LeaseStoreException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
