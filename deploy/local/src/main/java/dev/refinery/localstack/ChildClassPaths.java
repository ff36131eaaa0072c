package dev.refinery.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The class paths of the child JVMs (Kafka broker, S3Proxy), written at build time into
 * {@code child-jvms.properties} as jars in the local Maven repository. They never join this
 * JVM's class path: a Quarkus application under test must not see a Kafka broker or S3Proxy's
 * bundled libraries.
 */
final class ChildClassPaths {

    private static final String RESOURCE = "child-jvms.properties";
    private static final String REBUILD = "rebuild the local stack with ./mvnw -pl deploy/local package";

    private ChildClassPaths() {
    }

    static String kafkaBroker() {
        return checked("kafka-broker");
    }

    static String s3proxy() {
        return checked("s3proxy");
    }

    private static String checked(String key) {
        String classPath = load().getProperty(key, "");
        if (classPath.isBlank() || classPath.contains("${")) {
            throw new LocalStackException("CHILD_CLASSPATH_MISSING", "the " + key + " class path was not written by "
                    + "the build (" + RESOURCE + " unfiltered?); " + REBUILD);
        }
        List<String> missing = Arrays.stream(classPath.split(File.pathSeparator))
                .filter(jar -> !Files.exists(Path.of(jar)))
                .toList();
        if (!missing.isEmpty()) {
            throw new LocalStackException("CHILD_CLASSPATH_MISSING", missing.size() + " jar(s) of the " + key
                    + " class path are missing, e.g. " + missing.get(0) + "; " + REBUILD);
        }
        return classPath;
    }

    private static Properties load() {
        try (InputStream in = ChildClassPaths.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new LocalStackException("CHILD_CLASSPATH_MISSING", RESOURCE + " is not on the class path; " + REBUILD);
            }
            Properties properties = new Properties();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
