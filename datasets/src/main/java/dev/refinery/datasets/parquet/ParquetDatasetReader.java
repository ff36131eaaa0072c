package dev.refinery.datasets.parquet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Streams a pre-tokenized Parquet file row by row through an in-process DuckDB (no Hadoop, no server; see
 * datasets/README.md "Parquet"). Only the token columns are read, in file order, one chunk at a time, so the heap
 * holds one row and DuckDB's native memory stays under {@link DuckDbLimits} (DuckDB decodes one row group at a time, so the
 * largest row group, not the file, sets the memory needed).
 */
public final class ParquetDatasetReader implements AutoCloseable {

    private static final Pattern GLOB_CHARACTERS = Pattern.compile("[*?\\[]");

    private final Path file;
    private final Connection connection;
    private final List<ParquetColumn> columns;
    private final DuckDbLimits limits;

    private ParquetDatasetReader(Path file, Connection connection, List<ParquetColumn> columns, DuckDbLimits limits) {
        this.file = file;
        this.limits = limits;
        this.connection = connection;
        this.columns = columns;
    }

    public static ParquetDatasetReader open(Path file) throws ParquetReadException {
        return open(file, DuckDbLimits.DEFAULT);
    }

    /** Opens the file and reads its schema; a missing, non-Parquet or damaged file fails here. */
    public static ParquetDatasetReader open(Path file, DuckDbLimits limits) throws ParquetReadException {
        if (!Files.isRegularFile(file)) {
            throw new ParquetReadException(file + " does not exist or is not a file", null);
        }
        if (GLOB_CHARACTERS.matcher(file.toString()).find()) {
            // DuckDB expands *, ? and [..] in paths; such a name could silently read other files too.
            throw new ParquetReadException(file + ": the file name contains *, ? or [; rename the file", null);
        }
        Connection connection;
        try {
            connection = DriverManager.getConnection("jdbc:duckdb:", limits.connectionProperties());
        } catch (SQLException e) {
            throw new ParquetReadException("cannot start the Parquet reader (DuckDB): " + firstLine(e), e);
        }
        try {
            List<ParquetColumn> columns = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                 ResultSet schema = statement.executeQuery("DESCRIBE SELECT * FROM " + scan(file))) {
                while (schema.next()) {
                    columns.add(new ParquetColumn(schema.getString("column_name"), schema.getString("column_type")));
                }
            }
            return new ParquetDatasetReader(file, connection, List.copyOf(columns), limits);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new ParquetReadException(file.getFileName() + " is not a readable Parquet file: " + firstLine(e), e);
        }
    }

    /** Every column in the file, in schema order, with DuckDB's type name. */
    public List<ParquetColumn> columns() {
        return columns;
    }

    public Optional<ParquetColumn> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** Row count from the file's metadata: no data pages are read. */
    public long rowCount() throws ParquetReadException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + scan(file))) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new ParquetReadException("cannot count the rows of " + file.getFileName() + ": " + firstLine(e), e);
        }
    }

    /**
     * Hands every row to {@code visitor}, in file order. {@code input_ids} must be an integer-list column;
     * {@code attention_mask} and {@code labels} are read when present as integer lists and left null otherwise
     * (a checker reports their type separately).
     */
    public void forEachRow(ParquetRowVisitor visitor) throws ParquetReadException {
        if (column(ParquetColumn.INPUT_IDS).filter(ParquetColumn::isIntegerList).isEmpty()) {
            throw new IllegalStateException("input_ids is missing or not a list of integers; check columns() first");
        }
        boolean mask = column(ParquetColumn.ATTENTION_MASK).filter(ParquetColumn::isIntegerList).isPresent();
        boolean labels = column(ParquetColumn.LABELS).filter(ParquetColumn::isIntegerList).isPresent();
        String select = "SELECT " + quote(ParquetColumn.INPUT_IDS)
                + (mask ? ", " + quote(ParquetColumn.ATTENTION_MASK) : "")
                + (labels ? ", " + quote(ParquetColumn.LABELS) : "")
                + " FROM " + scan(file);
        // Read from the footer before the scan takes the memory: the failure message needs it.
        OptionalLong largestRowGroup = largestRowGroupBytes();
        long rowNumber = 0;
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(select)) {
            while (rows.next()) {
                rowNumber++;
                RowValues values = new RowValues(rowNumber);
                int[] inputIds = values.ints(rows, 1, ParquetColumn.INPUT_IDS);
                int[] attentionMask = mask ? values.ints(rows, 2, ParquetColumn.ATTENTION_MASK) : null;
                int[] labelValues = labels ? values.ints(rows, mask ? 3 : 2, ParquetColumn.LABELS) : null;
                if (values.problems.isEmpty()) {
                    visitor.row(new ParquetRow(rowNumber, inputIds, attentionMask, labelValues));
                } else {
                    values.problems.forEach(visitor::unreadableValue);
                }
            }
        } catch (SQLException e) {
            throw readFailure(e, rowNumber, largestRowGroup);
        }
    }

    /**
     * A scan that fails after the schema was read is usually memory: DuckDB then reports "Out of Memory", or, with
     * streamed results, only "Invalid result set". Naming the largest row group turns that into something to act on.
     */
    private ParquetReadException readFailure(SQLException e, long rowsRead, OptionalLong largest) {
        String message = firstLine(e);
        boolean memory = message.contains("Out of Memory") || message.contains("Invalid result set");
        if (memory && largest.isPresent()) {
            return new ParquetReadException(ParquetRule.DATASET_PARQUET_ROW_GROUP_TOO_LARGE, "reading "
                    + file.getFileName() + " stopped after row " + rowsRead + ": its largest row group is "
                    + Math.max(1, largest.getAsLong() / 1_000_000) + " MB uncompressed and the reader may use " + limits.memoryLimit()
                    + "; allow about twice the row group size, or rewrite the file with smaller row groups "
                    + "(e.g. pyarrow row_group_size=10000)", e);
        }
        return new ParquetReadException("reading " + file.getFileName() + " failed after row " + rowsRead + ": "
                + message, e);
    }

    private OptionalLong largestRowGroupBytes() {
        String query = "SELECT max(bytes) FROM (SELECT sum(total_uncompressed_size) AS bytes FROM parquet_metadata("
                + literal(file) + ") GROUP BY row_group_id)";
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(query)) {
            return result.next() ? OptionalLong.of(result.getLong(1)) : OptionalLong.empty();
        } catch (SQLException metadataAlsoFailed) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    /** Converts one row's lists, collecting what cannot be a 32-bit token value instead of stopping. */
    private static final class RowValues {
        private final long rowNumber;
        private final List<ParquetProblem> problems = new ArrayList<>();

        RowValues(long rowNumber) {
            this.rowNumber = rowNumber;
        }

        int[] ints(ResultSet rows, int index, String column) throws SQLException {
            Array array = rows.getArray(index);
            if (array == null) {
                problems.add(ParquetProblem.ofRow(ParquetRule.DATASET_PARQUET_NULL_VALUE, rowNumber, column,
                        column + " is null"));
                return null;
            }
            Object[] values = (Object[]) array.getArray();
            int[] ints = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    problems.add(ParquetProblem.ofRow(ParquetRule.DATASET_PARQUET_NULL_VALUE, rowNumber, column,
                            column + "[" + i + "] is null"));
                    return null;
                }
                Number number = (Number) values[i];
                long value = number.longValue();
                if (value != (int) value || !number.toString().equals(Long.toString(value))) {
                    problems.add(ParquetProblem.ofRow(outOfRangeRule(column), rowNumber, column,
                            column + "[" + i + "] = " + number + " does not fit a 32-bit token value"));
                    return null;
                }
                ints[i] = (int) value;
            }
            return ints;
        }

        private static ParquetRule outOfRangeRule(String column) {
            return switch (column) {
                case ParquetColumn.LABELS -> ParquetRule.DATASET_PARQUET_LABEL_INVALID;
                case ParquetColumn.ATTENTION_MASK -> ParquetRule.DATASET_PARQUET_ATTENTION_MASK_NOT_BINARY;
                default -> ParquetRule.DATASET_PARQUET_TOKEN_ID_INVALID;
            };
        }
    }

    /** A scan of exactly this file: the path as an escaped SQL literal (glob characters are refused in open). */
    private static String scan(Path file) {
        return "read_parquet(" + literal(file) + ")";
    }

    private static String literal(Path file) {
        return "'" + file.toAbsolutePath().toString().replace("'", "''") + "'";
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** DuckDB messages carry a SQL excerpt after the first line; a person needs only the first. */
    private static String firstLine(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline).strip();
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing left to release that a caller could act on
        }
    }
}
