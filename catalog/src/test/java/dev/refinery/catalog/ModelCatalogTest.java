package dev.refinery.catalog;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCatalogTest {

    private final ModelCatalog catalog = ModelCatalog.load();

    @Test
    void bundledCatalogHasEveryBackendAndItsVersion() {
        assertEquals(1, catalog.catalogVersion());
        assertTrue(catalog.backendIds().containsAll(java.util.List.of("together", "fireworks", "openai", "local")));
        assertEquals("USD", catalog.currency());
        assertTrue(catalog.origin().startsWith("classpath:"));
    }

    @Test
    void openAiRecordsItsJobCutoffAndItsServingCutoffsWithTheirSources() {
        CatalogBackend openai = catalog.backend("openai");
        assertEquals(java.time.LocalDate.of(2027, 1, 6), openai.jobCutoff().orElseThrow().from());
        ProviderCutoff gpt4o = openai.servingCutoffs().get(0);
        assertEquals(java.time.LocalDate.of(2027, 1, 14), gpt4o.from());
        assertTrue(gpt4o.covers("ft:gpt-4o-mini-2024-07-18:acme:support:B7R9VjQd"));
        assertFalse(gpt4o.covers("gpt-4o-mini"), "base models are not in the notice");
        assertTrue(gpt4o.source().contains("providers.md"));
        assertTrue(catalog.backend("together").jobCutoff().isEmpty());
        assertTrue(catalog.backend("together").servingCutoffs().isEmpty());
    }

    @Test
    void findsAModelByProviderIdOrAliasWhateverTheCase() {
        CatalogModel byId = catalog.find("together", "meta-llama/Meta-Llama-3.1-8B-Instruct-Reference").orElseThrow();
        CatalogModel byAlias = catalog.find("together", "LLAMA-3.1-8B").orElseThrow();
        assertEquals(byId, byAlias);
        assertEquals(131072, byId.contextLength().sft());
        assertEquals(byId.contextLength().sft() / 2, byId.contextLength().dpo(), "Together DPO context is half");
        assertEquals(TokenizerSpec.Kind.ESTIMATE, byId.tokenizer().kind());
        assertEquals(64, byId.loraLimits().orElseThrow().maxRank());
    }

    @Test
    void bracketPricesReachTheModelAndDpoIsDerivedFromSft() {
        CatalogModel model = catalog.require("together", "llama-3.1-8b");
        Price loraSft = model.price(TrainingType.LORA, TrainingMethod.SFT).orElseThrow();
        Price loraDpo = model.price(TrainingType.LORA, TrainingMethod.DPO).orElseThrow();
        assertEquals(0, new BigDecimal("0.48").compareTo(loraSft.usdPerMillionTokens()));
        assertEquals(0, loraSft.usdPerMillionTokens().multiply(new BigDecimal("2.5"))
                .compareTo(loraDpo.usdPerMillionTokens()));
        assertTrue(loraDpo.source().contains("2.5 x the SFT price"), loraDpo.source());
        assertEquals(0, new BigDecimal("0.54").compareTo(
                model.price(TrainingType.FULL, TrainingMethod.SFT).orElseThrow().usdPerMillionTokens()));
    }

    @Test
    void issueSeedModelsWithoutAPriceSayUnknown() {
        for (String backend : new String[] {"together", "fireworks"}) {
            for (String name : new String[] {"deepseek-r1", "qwen3-235b"}) {
                Price price = catalog.require(backend, name).price(TrainingType.LORA, TrainingMethod.SFT).orElseThrow();
                assertFalse(price.known(), backend + " " + name);
                assertFalse(price.source().isBlank());
            }
        }
    }

    @Test
    void unknownModelIsAnErrorThatNamesNearMatches() {
        CatalogException e = assertThrows(CatalogException.class,
                () -> catalog.require("together", "Meta-Llama-3.1-8B-Instruct"));
        assertEquals(CatalogErrorCode.CATALOG_MODEL_UNKNOWN, e.code());
        assertTrue(e.details().contains("meta-llama/Meta-Llama-3.1-8B-Instruct-Reference"), e.details().toString());
        assertTrue(e.getMessage().contains("Did you mean"), e.getMessage());

        CatalogException typo = assertThrows(CatalogException.class, () -> catalog.require("openai", "gpt-4o-mnii"));
        assertTrue(typo.details().contains("gpt-4o-mini-2024-07-18"), typo.details().toString());
    }

    @Test
    void unknownBackendIsAnErrorListingTheKnownOnes() {
        CatalogException e = assertThrows(CatalogException.class, () -> catalog.require("replicate", "x"));
        assertEquals(CatalogErrorCode.CATALOG_BACKEND_UNKNOWN, e.code());
        assertTrue(e.details().contains("together"));
        assertTrue(catalog.list("replicate").isEmpty());
    }

    @Test
    void localEngineModelIsFreeAndCountsWithTheEngineTokenizer() {
        CatalogModel model = catalog.require("local", "stories260K");
        assertEquals(512, model.contextLength().sft());
        assertEquals("engine:stories260K", model.tokenizer().toString());
        assertEquals(0, model.price(TrainingType.LORA, TrainingMethod.SFT).orElseThrow().usdPerMillionTokens().signum());
    }

    @Test
    void everyBundledModelIsUsable() {
        for (String backend : catalog.backendIds()) {
            assertFalse(catalog.list(backend).isEmpty(), backend);
            for (CatalogModel model : catalog.list(backend)) {
                assertFalse(model.methods().isEmpty(), model.id());
                assertFalse(model.trainingTypes().isEmpty(), model.id());
                for (TrainingType type : model.trainingTypes()) {
                    for (TrainingMethod method : model.methods()) {
                        // every supported combination has a price entry, known or explicitly unknown
                        assertTrue(model.price(type, method).isPresent(), model.id() + " " + type + "/" + method);
                    }
                }
            }
        }
    }
}
