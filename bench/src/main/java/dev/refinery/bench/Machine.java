package dev.refinery.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The CPU, its vector extensions and the JVM, for the first line of a benchmark's output: figures mean nothing without them. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        String model = "unknown CPU";
        String isa = "";
        try {
            List<String> cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"));
            model = cpuinfo.stream().filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .orElse(model);
            String family = cpuinfo.stream().filter(l -> l.startsWith("cpu family")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .orElse("?");
            String flags = cpuinfo.stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
            isa = flags.contains(" avx512f") ? "AVX-512" : flags.contains(" avx2") ? "AVX2" : "no AVX2";
            model += ", family " + family;
        } catch (IOException e) {
            // not Linux: the JVM line below still says something
        }
        return model + ", " + isa + ", " + Runtime.getRuntime().availableProcessors() + " cpus; " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.version");
    }
}
