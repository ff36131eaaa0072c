package dev.refinery.kit.lease;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code work_lease} table: who works on what, so that long work (a training job, a validation run, an evaluation)
 * runs in one place at a time however many replicas there are, survives the crash of the one running it, and is
 * retried with back-off when it fails.
 *
 * <p>A lease is OPEN (waiting, not before {@code next_at}), HELD (attempt n by a holder until {@code held_until}) or
 * DONE. Claiming increments the attempt: that number is the fence of every write the attempt makes
 * ({@link #requireHeld}, {@link #complete}), so a holder that was taken over cannot overwrite its successor. A HELD lease
 * whose holder stopped renewing it is taken over by the next claim, which counts the dead attempt as a failure; a
 * lease given back for a transient reason (database, storage, broker briefly away) is not counted.
 *
 * <p>Plain JDBC on the service's data source: inside a JTA transaction the connection is the transaction's (so
 * {@link #open}, {@link #requireHeld} and {@link #complete} commit or roll back with the work's own rows); outside one
 * each call commits by itself. Times are the database's ({@code clock_timestamp()}), never a replica's clock.
 */
public final class WorkLeases {

    private static final String DUE = "((state = 'OPEN' AND next_at <= clock_timestamp()) OR (state = 'HELD' AND held_until < clock_timestamp()))";
    private static final String RETURNING = " RETURNING kind, work_id, attempt, holder, failures, last_error";

    private final DataSource dataSource;

    public WorkLeases(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** How a holder gives a lease back without finishing the work. */
    public enum Release {
        /** The process is stopping: not the work's fault, claimable again at once. */
        STOPPED,
        /** A dependency was briefly away: not the work's fault; back-off on the consecutive retries. */
        TRANSIENT,
        /** The attempt failed for a reason of its own: counts towards {@link LeaseKind#maxFailures()}; back-off on the failures. */
        FAILED
    }

    /** Where a lease stands (for sweepers, health and tests). */
    public record Row(String kind, String workId, String state, int attempt, int failures, int retries, String holder,
                      Instant heldUntil, Instant nextAt, String lastError) {

        /** Claimed by a holder (that may have stopped renewing it): the work is being worked on, as far as the table knows. */
        public boolean held() {
            return "HELD".equals(state);
        }
    }

    /** Registers new work, claimable at once; in the caller's transaction when there is one. Registering it again changes nothing. */
    public void open(String kind, String workId) {
        update("INSERT INTO work_lease (kind, work_id, state, next_at, created_at, updated_at) "
                + "VALUES (?, ?, 'OPEN', clock_timestamp(), clock_timestamp(), clock_timestamp()) ON CONFLICT (kind, work_id) DO NOTHING",
                kind, workId);
    }

    /**
     * Claims the work if it is due: OPEN and past its back-off, or HELD by a holder that stopped renewing (that attempt is
     * counted as failed). Two claimers racing for one lease: exactly one gets it.
     */
    public Optional<Lease> claim(LeaseKind kind, String workId, String holder) {
        return one(claimSql("kind = ? AND work_id = ? AND " + DUE), kind, holder, kind.name(), workId);
    }

    /** Claims the oldest due work of a kind, skipping rows other claimers are taking at this moment. */
    public Optional<Lease> claimNext(LeaseKind kind, String holder) {
        return one(claimSql("(kind, work_id) = (SELECT kind, work_id FROM work_lease WHERE kind = ? AND " + DUE
                + " ORDER BY next_at LIMIT 1 FOR UPDATE SKIP LOCKED)"), kind, holder, kind.name());
    }

    private static String claimSql(String where) {
        return "UPDATE work_lease SET "
                + "failures = failures + CASE WHEN state = 'HELD' THEN 1 ELSE 0 END, "
                + "last_error = CASE WHEN state = 'HELD' THEN 'attempt ' || attempt || ' by ' || holder "
                + "|| ' stopped without finishing (its process died or lost the database for longer than the lease)' ELSE last_error END, "
                + "state = 'HELD', attempt = attempt + 1, holder = ?, held_until = clock_timestamp() + ? * interval '1 millisecond', "
                + "updated_at = clock_timestamp() WHERE " + where + RETURNING;
    }

    private Optional<Lease> one(String sql, LeaseKind kind, String holder, Object... where) {
        Object[] params = new Object[2 + where.length];
        params[0] = holder;
        params[1] = kind.duration().toMillis();
        System.arraycopy(where, 0, params, 2, where.length);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(lease(rs)) : Optional.empty();
        } catch (SQLException e) {
            throw new LeaseStoreException("cannot claim " + kind.name() + " work", e);
        }
    }

    /**
     * Extends a claim by {@code duration}; false when it is no longer this attempt's (taken over, or ended). An expired
     * claim nobody took over is renewed: a holder cut off from the database longer than its lease keeps its work if no
     * other process claimed it meanwhile.
     */
    public boolean renew(Lease lease, Duration duration) {
        return update("UPDATE work_lease SET held_until = clock_timestamp() + ? * interval '1 millisecond', updated_at = clock_timestamp() "
                + "WHERE kind = ? AND work_id = ? AND attempt = ? AND holder = ? AND state = 'HELD'",
                duration.toMillis(), lease.kind(), lease.workId(), lease.attempt(), lease.holder()) == 1;
    }

    /**
     * The fence of a write: locks the lease row for the rest of the caller's transaction and throws
     * {@link LeaseLostException} unless {@code lease} is still the current claim. A claim by another process waits for
     * the write's transaction, so what the write checked stays true until it commits.
     */
    public void requireHeld(Lease lease) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = prepare(c, "SELECT 1 FROM work_lease WHERE kind = ? AND work_id = ? AND attempt = ? AND holder = ? "
                     + "AND state = 'HELD' FOR UPDATE", lease.kind(), lease.workId(), lease.attempt(), lease.holder());
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new LeaseLostException(lease);
            }
        } catch (SQLException e) {
            throw new LeaseStoreException("cannot check " + lease, e);
        }
    }

    /**
     * Locks the lease row for the rest of the caller's transaction without checking who holds it: for a writer that is not
     * the worker (a user's cancel) and must take the locks in the order fenced writes take them (lease, then the work's row).
     */
    public void lock(String kind, String workId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = prepare(c, "SELECT 1 FROM work_lease WHERE kind = ? AND work_id = ? FOR UPDATE", kind, workId);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
        } catch (SQLException e) {
            throw new LeaseStoreException("cannot lock the lease of " + kind + " " + workId, e);
        }
    }

    /** Ends the work for good, in the caller's transaction (with the work's outcome); false when the claim was lost. */
    public boolean complete(Lease lease) {
        return update("UPDATE work_lease SET state = 'DONE', holder = NULL, held_until = NULL, updated_at = clock_timestamp() "
                + "WHERE kind = ? AND work_id = ? AND attempt = ? AND holder = ? AND state = 'HELD'",
                lease.kind(), lease.workId(), lease.attempt(), lease.holder()) == 1;
    }

    /** Ends work that nobody holds or whose holder is finished with it elsewhere (a job cancelled while it waited), in the caller's transaction. */
    public void close(String kind, String workId) {
        update("UPDATE work_lease SET state = 'DONE', holder = NULL, held_until = NULL, updated_at = clock_timestamp() "
                + "WHERE kind = ? AND work_id = ? AND state <> 'DONE'", kind, workId);
    }

    /**
     * Gives a claim back without finishing the work: OPEN again after the back-off {@code how} calls for. False when the
     * claim was no longer this attempt's (nothing changed).
     */
    public boolean release(Lease lease, LeaseKind kind, Release how, String error) {
        int failures = lease.failures() + (how == Release.FAILED ? 1 : 0);
        Row row = find(lease.kind(), lease.workId()).orElse(null);
        int retries = row == null ? 0 : row.retries() + (how == Release.TRANSIENT ? 1 : 0);
        Duration wait = switch (how) {
            case STOPPED -> Duration.ZERO;
            case TRANSIENT -> Backoff.after(retries, kind.backoffBase(), kind.backoffMax());
            case FAILED -> Backoff.after(failures, kind.backoffBase(), kind.backoffMax());
        };
        return update("UPDATE work_lease SET state = 'OPEN', holder = NULL, held_until = NULL, failures = ?, retries = ?, "
                        + "next_at = clock_timestamp() + ? * interval '1 millisecond', last_error = COALESCE(?, last_error), "
                        + "updated_at = clock_timestamp() WHERE kind = ? AND work_id = ? AND attempt = ? AND holder = ? AND state = 'HELD'",
                failures, retries, wait.toMillis(), error == null ? null : clip(error), lease.kind(), lease.workId(), lease.attempt(),
                lease.holder()) == 1;
    }

    /** Ids of the work of a kind that is due (waiting and past its back-off, or held by a holder that stopped renewing), oldest first. */
    public List<String> due(String kind, int limit) {
        List<String> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = prepare(c, "SELECT work_id FROM work_lease WHERE kind = ? AND " + DUE + " ORDER BY next_at LIMIT ?", kind, limit);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        } catch (SQLException e) {
            throw new LeaseStoreException("cannot list due " + kind + " work", e);
        }
    }

    public Optional<Row> find(String kind, String workId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = prepare(c, "SELECT kind, work_id, state, attempt, failures, retries, holder, held_until, next_at, last_error "
                     + "FROM work_lease WHERE kind = ? AND work_id = ?", kind, workId);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5), rs.getInt(6),
                    rs.getString(7), instant(rs.getTimestamp(8)), instant(rs.getTimestamp(9)), rs.getString(10)));
        } catch (SQLException e) {
            throw new LeaseStoreException("cannot read the lease of " + kind + " " + workId, e);
        }
    }

    private int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new LeaseStoreException("work_lease update failed", e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }

    private static Lease lease(ResultSet rs) throws SQLException {
        return new Lease(rs.getString("kind"), rs.getString("work_id"), rs.getInt("attempt"), rs.getString("holder"), rs.getInt("failures"),
                rs.getString("last_error"));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static String clip(String error) {
        return error.length() <= 2000 ? error : error.substring(0, 2000);
    }
}
