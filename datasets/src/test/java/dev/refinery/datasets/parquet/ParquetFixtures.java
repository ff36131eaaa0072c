package dev.refinery.datasets.parquet;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Writes test Parquet files with DuckDB itself: a SELECT's result becomes the file. */
final class ParquetFixtures {

    private ParquetFixtures() {
    }

    static Path write(Path dir, String name, String select) throws SQLException {
        Path file = dir.resolve(name);
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
             Statement statement = connection.createStatement()) {
            statement.execute("COPY (" + select + ") TO '" + file.toAbsolutePath().toString().replace("'", "''")
                    + "' (FORMAT parquet)");
        }
        return file;
    }
}
