package dev.refinery.kit.lease;

/**
 * A write was fenced off: the lease it carries is no longer the current claim on its work (another process took the
 * work over, or the work ended). The write's transaction must roll back; the attempt stops without writing more.
 */
public class LeaseLostException extends RuntimeException {

    private final Lease lease;

    public LeaseLostException(Lease lease) {
        super(lease + " no longer holds the work: another attempt took it over or it ended");
        this.lease = lease;
    }

    public Lease lease() {
        return lease;
    }
}
