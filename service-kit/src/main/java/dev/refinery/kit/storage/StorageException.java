package dev.refinery.kit.storage;

/** Object storage could not do what was asked (unreachable, denied, missing object). */
public class StorageException extends RuntimeException {

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
