package dev.refinery.helm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders deploy/helm/refinery with helm-java (in-process Helm, no cluster) and reads what it made with the fabric8 model. */
final class Chart {

    static final Path DIR = Path.of("refinery").toAbsolutePath();
    static final Path EXAMPLE = DIR.resolve("examples/strimzi-cnpg-minio.yaml");
    static final String RELEASE = "refinery";
    static final String NAMESPACE = "refinery";

    /** Kinds this chart may render that the fabric8 model does not type (CRDs of other projects). */
    static final List<String> FOREIGN_KINDS = List.of("ScaledObject");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final ObjectMapper YAML = new YAMLMapper(new YAMLFactory());
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private Chart() {
    }

    /** helm template with the given values files and --set pairs (key, value, key, value...). */
    static String template(List<Path> valuesFiles, Object... sets) {
        return template(RELEASE, valuesFiles, sets);
    }

    static String template(String release, List<Path> valuesFiles, Object... sets) {
        TemplateCommand command = new Helm(DIR).template().withName(release).withNamespace(NAMESPACE)
                .withKubeVersion("1.30.0");
        valuesFiles.forEach(command::withValuesFile);
        for (int i = 0; i < sets.length; i += 2) {
            command.set((String) sets[i], sets[i + 1]);
        }
        return command.call();
    }

    static List<HasMetadata> render(List<Path> valuesFiles, Object... sets) {
        return parse(template(valuesFiles, sets));
    }

    static List<HasMetadata> render(Object... sets) {
        return render(List.of(), sets);
    }

    /**
     * Every YAML document as its fabric8 model class; a field the model does not know (a typo, a wrong level) fails,
     * although the model itself would keep it quietly in additionalProperties.
     */
    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        try (var docs = YAML.readerFor(Map.class).<Map<String, Object>>readValues(yaml)) {
            while (docs.hasNext()) {
                Map<String, Object> doc = docs.next();
                if (doc == null || doc.isEmpty()) {
                    continue;
                }
                KubernetesResource read = SERIALIZATION.unmarshal(JSON.writeValueAsString(doc));
                if (!(read instanceof HasMetadata object)) {
                    throw new AssertionError("not a Kubernetes object: " + doc);
                }
                if (object instanceof GenericKubernetesResource && !FOREIGN_KINDS.contains(object.getKind())) {
                    throw new AssertionError("kind " + object.getApiVersion() + "/" + object.getKind() + " is not in the fabric8 model");
                }
                if (!(object instanceof GenericKubernetesResource)) {
                    List<String> unknown = new ArrayList<>();
                    unknownFields(object, object.getKind() + "/" + object.getMetadata().getName(), unknown);
                    if (!unknown.isEmpty()) {
                        throw new AssertionError("fields the Kubernetes model does not know: " + unknown);
                    }
                }
                out.add(object);
            }
        } catch (java.io.IOException e) {
            throw new AssertionError("helm template's output is not YAML", e);
        }
        return out;
    }

    /** Collects the paths of every field that landed in a model object's additionalProperties. */
    static void unknownFields(Object value, String path, List<String> unknown) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                unknownFields(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, unknown));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : value.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object field;
            try {
                field = m.invoke(value);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> unknown.add(path + "." + k));
                }
                continue;
            }
            unknownFields(field, path + "." + m.getName().substring(3, 4).toLowerCase() + m.getName().substring(4), unknown);
        }
    }

    static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    static <T extends HasMetadata> Map<String, T> byName(List<HasMetadata> objects, Class<T> type) {
        Map<String, T> out = new LinkedHashMap<>();
        ofKind(objects, type).forEach(o -> out.put(o.getMetadata().getName(), o));
        return out;
    }

    static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    static Map<String, Object> yaml(Path path) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = YAML.readValue(path.toFile(), Map.class);
            return map;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
