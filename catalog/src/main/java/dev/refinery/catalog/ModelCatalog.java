package dev.refinery.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The versioned model and price catalog: which models each backend trains, their limits, tokenizers and prices.
 * The data lives in {@code catalog/models.v1.json} inside this jar; a deployment replaces it with its own file
 * ({@code REFINERY_CATALOG}) when prices change, without a release.
 */
public final class ModelCatalog {

    /** Environment variable naming a catalog file that replaces the bundled one. */
    public static final String OVERRIDE_VARIABLE = "REFINERY_CATALOG";
    static final String BUNDLED_RESOURCE = "catalog/models.v1.json";

    private final int catalogVersion;
    private final String revision;
    private final String currency;
    private final String origin;
    private final Map<String, CatalogBackend> backends;

    ModelCatalog(int catalogVersion, String revision, String currency, String origin,
                 Map<String, CatalogBackend> backends) {
        this.catalogVersion = catalogVersion;
        this.revision = revision;
        this.currency = currency;
        this.origin = origin;
        this.backends = new LinkedHashMap<>(backends);
    }

    /** The catalog bundled in the jar. */
    public static ModelCatalog load() {
        try (InputStream in = ModelCatalog.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new CatalogException(CatalogErrorCode.CATALOG_UNREADABLE,
                        "the bundled catalog " + BUNDLED_RESOURCE + " is missing from the classpath");
            }
            return CatalogFileReader.read(in, "classpath:" + BUNDLED_RESOURCE);
        } catch (IOException e) {
            throw new CatalogException(CatalogErrorCode.CATALOG_UNREADABLE,
                    "cannot read the bundled catalog " + BUNDLED_RESOURCE + ": " + e.getMessage());
        }
    }

    /** A catalog file of the same format; it replaces the bundled catalog entirely (no merging). */
    public static ModelCatalog load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CatalogException(CatalogErrorCode.CATALOG_UNREADABLE, "catalog file " + file + " does not exist");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return CatalogFileReader.read(in, file.toString());
        } catch (IOException e) {
            throw new CatalogException(CatalogErrorCode.CATALOG_UNREADABLE,
                    "cannot read catalog file " + file + ": " + e.getMessage());
        }
    }

    /** The file named by {@code REFINERY_CATALOG} when set and not blank, otherwise the bundled catalog. */
    public static ModelCatalog loadFromEnvironment() {
        return loadOverride(System.getenv(OVERRIDE_VARIABLE));
    }

    /** {@code overridePath} when not null or blank (a service's config value, a CLI flag), otherwise the bundled one. */
    public static ModelCatalog loadOverride(String overridePath) {
        return overridePath == null || overridePath.isBlank() ? load() : load(Path.of(overridePath.strip()));
    }

    public Optional<CatalogModel> find(String backend, String modelIdOrAlias) {
        CatalogBackend found = backends.get(backend);
        if (found == null || modelIdOrAlias == null) {
            return Optional.empty();
        }
        return found.models().stream().filter(m -> m.answersTo(modelIdOrAlias)).findFirst();
    }

    /**
     * Like {@link #find} but a miss is an error: {@code CATALOG_BACKEND_UNKNOWN} naming the backends, or
     * {@code CATALOG_MODEL_UNKNOWN} with the nearest names on that backend.
     */
    public CatalogModel require(String backend, String modelIdOrAlias) {
        CatalogBackend found = backend(backend);
        return find(backend, modelIdOrAlias).orElseThrow(() -> {
            List<String> near = NearMatches.among(found.models(), modelIdOrAlias == null ? "" : modelIdOrAlias);
            String hint = near.isEmpty()
                    ? " Known models: " + String.join(", ", found.models().stream().map(CatalogModel::id).toList()) + "."
                    : " Did you mean: " + String.join(", ", near) + "?";
            return new CatalogException(CatalogErrorCode.CATALOG_MODEL_UNKNOWN,
                    "backend '" + backend + "' has no model '" + modelIdOrAlias + "' in catalog revision " + revision
                            + "." + hint, near);
        });
    }

    public CatalogBackend backend(String backend) {
        CatalogBackend found = backends.get(backend);
        if (found == null) {
            throw new CatalogException(CatalogErrorCode.CATALOG_BACKEND_UNKNOWN,
                    "unknown backend '" + backend + "'; the catalog has: " + String.join(", ", backends.keySet()),
                    List.copyOf(backends.keySet()));
        }
        return found;
    }

    /** The model a backend's checks are measured against when none is named; empty for an unknown backend or one without models. */
    public Optional<CatalogModel> defaultModel(String backend) {
        CatalogBackend found = backends.get(backend);
        return found == null ? Optional.empty() : Optional.ofNullable(found.defaultModel());
    }

    /** Models of a backend in catalog order; empty for an unknown backend. */
    public List<CatalogModel> list(String backend) {
        CatalogBackend found = backends.get(backend);
        return found == null ? List.of() : found.models();
    }

    public List<String> backendIds() {
        return List.copyOf(backends.keySet());
    }

    /** The format version of the file ({@code 1} for models.v1.json). */
    public int catalogVersion() {
        return catalogVersion;
    }

    /** The data revision, bumped whenever a price or model changes; estimates quote it. */
    public String revision() {
        return revision;
    }

    public String currency() {
        return currency;
    }

    /** Where this catalog was read from: {@code classpath:...} or a file path. */
    public String origin() {
        return origin;
    }
}
