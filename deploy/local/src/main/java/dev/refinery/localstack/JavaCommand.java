package dev.refinery.localstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM. Flags favour a small, fast-starting process on a shared
 * 2-core machine over peak throughput: serial GC, C1 only, no perf-data file.
 */
final class JavaCommand {

    private final List<String> jvmOptions = new ArrayList<>();
    private String classPath;
    private String mainClass;
    private final List<String> arguments = new ArrayList<>();

    static JavaCommand withHeap(String maxHeap) {
        JavaCommand command = new JavaCommand();
        command.jvmOptions.addAll(List.of("-Xmx" + maxHeap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData", "-Djava.awt.headless=true"));
        return command;
    }

    JavaCommand jvmOptions(List<String> options) {
        jvmOptions.addAll(options);
        return this;
    }

    JavaCommand systemProperty(String name, String value) {
        jvmOptions.add("-D" + name + "=" + value);
        return this;
    }

    JavaCommand classPath(String classPath) {
        this.classPath = classPath;
        return this;
    }

    JavaCommand main(String mainClass, String... arguments) {
        this.mainClass = mainClass;
        this.arguments.addAll(List.of(arguments));
        return this;
    }

    List<String> toList() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(arguments);
        return command;
    }
}
