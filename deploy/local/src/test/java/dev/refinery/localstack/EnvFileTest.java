package dev.refinery.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvFileTest {

    @Test
    void variableNamesFollowMicroProfileConfigMapping() {
        assertEquals("KAFKA_BOOTSTRAP_SERVERS", EnvFile.variableName("kafka.bootstrap.servers"));
        assertEquals("QUARKUS_DATASOURCE_JDBC_URL", EnvFile.variableName("quarkus.datasource.jdbc.url"));
        assertEquals("REFINERY_S3_ACCESS_KEY", EnvFile.variableName("refinery.s3.access-key"));
    }

    @Test
    void fileHoldsOneAssignmentPerLine(@TempDir Path dir) throws Exception {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("kafka.bootstrap.servers", "127.0.0.1:9092");
        properties.put("refinery.s3.endpoint", "http://127.0.0.1:9000");
        Path file = dir.resolve("run/.stack.env");

        EnvFile.write(file, EnvFile.variables(properties));

        assertEquals("KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092\nREFINERY_S3_ENDPOINT=http://127.0.0.1:9000\n",
                Files.readString(file));
    }
}
