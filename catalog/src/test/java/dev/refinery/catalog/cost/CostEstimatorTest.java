package dev.refinery.catalog.cost;

import dev.refinery.catalog.CatalogErrorCode;
import dev.refinery.catalog.CatalogException;
import dev.refinery.catalog.ModelCatalog;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CostEstimatorTest {

    private static final DatasetTokens ISSUE_EXAMPLE = DatasetTokens.exact(5_000, 2_000_000, "pre-tokenized");

    private final CostEstimator estimator = new CostEstimator(ModelCatalog.load());

    private static void assertMoney(String expected, BigDecimal actual) {
        assertEquals(0, new BigDecimal(expected).compareTo(actual), () -> "expected " + expected + " got " + actual);
    }

    @Test
    void issueWorkedExampleLlama8bLora() {
        CostEstimate estimate = estimator.estimate(CostRequest.builder("together", "llama-3.1-8b", ISSUE_EXAMPLE)
                .epochs(3).build());
        assertEquals(new BigDecimal("2.88"), estimate.expectedForDisplay());
        assertMoney("2.88", estimate.expected());
        assertEquals(estimate.low(), estimate.high(), "exact counts are not widened");
        assertEquals(6_000_000, estimate.billedTokens().expected());
        assertEquals("$2.88 (USD)", estimate.summary());
        assertTrue(estimate.priceSource().contains("issue #4"), estimate.priceSource());
    }

    @Test
    void issueWorkedExampleLlama70bLora() {
        CostEstimate estimate = estimator.estimate(CostRequest.builder("together",
                "meta-llama/Meta-Llama-3.1-70B-Instruct-Reference", ISSUE_EXAMPLE).epochs(3).build());
        assertEquals(new BigDecimal("17.40"), estimate.expectedForDisplay());
        assertMoney("2.90", estimate.pricePerMillion());
    }

    @Test
    void qwen14bCostsWhatLlama8bCosts() {
        for (TrainingType type : new TrainingType[] {TrainingType.LORA, TrainingType.FULL}) {
            CostEstimate qwen = estimator.estimate(CostRequest.builder("together", "qwen-2.5-14b", ISSUE_EXAMPLE)
                    .trainingType(type).epochs(3).build());
            CostEstimate llama = estimator.estimate(CostRequest.builder("together", "llama-3.1-8b", ISSUE_EXAMPLE)
                    .trainingType(type).epochs(3).build());
            assertMoney(llama.expected().toPlainString(), qwen.expected());
        }
    }

    @Test
    void fullTrainingUsesTheFullRate() {
        CostEstimate estimate = estimator.estimate(CostRequest.builder("together", "llama-3.1-8b", ISSUE_EXAMPLE)
                .trainingType(TrainingType.FULL).epochs(3).build());
        assertMoney("3.24", estimate.expected()); // 6M tokens x $0.54
    }

    @Test
    void togetherDpoIsTwoAndAHalfTimesSft() {
        for (String model : new String[] {"llama-3.1-8b", "llama-3.1-70b"}) {
            CostRequest.Builder request = CostRequest.builder("together", model, ISSUE_EXAMPLE).epochs(3);
            CostEstimate sft = estimator.estimate(request.method(TrainingMethod.SFT).build());
            CostEstimate dpo = estimator.estimate(request.method(TrainingMethod.DPO).build());
            assertMoney(sft.expected().multiply(new BigDecimal("2.5")).toPlainString(), dpo.expected());
        }
    }

    @Test
    void estimatedCountsGiveALowAndHighFromTheirBound() {
        DatasetTokens estimated = DatasetTokens.estimated(5_000, 2_000_000, 0.12, "estimate:llama");
        CostEstimate estimate = estimator.estimate(CostRequest.builder("together", "llama-3.1-8b", estimated)
                .epochs(3).build());
        assertEquals(new BilledTokens(5_280_000, 6_000_000, 6_720_000), estimate.billedTokens());
        assertMoney("2.5344", estimate.low());
        assertMoney("3.2256", estimate.high());
        assertEquals(new BigDecimal("2.53"), estimate.lowForDisplay());
        assertEquals(new BigDecimal("3.23"), estimate.highForDisplay());
        assertEquals("$2.53 to $3.23, expected $2.88 (USD)", estimate.summary());
        assertTrue(estimate.assumptions().stream().anyMatch(a -> a.contains("+/-12%")), estimate.assumptions().toString());
    }

    @Test
    void evaluationsAddValidationTokens() {
        DatasetTokens validation = DatasetTokens.exact(500, 200_000, "pre-tokenized");
        CostEstimate estimate = estimator.estimate(CostRequest.builder("together", "llama-3.1-8b", ISSUE_EXAMPLE)
                .epochs(3).validation(validation, 2).build());
        assertEquals(6_000_000 + 2 * 200_000, estimate.billedTokens().expected());
    }

    @Test
    void togetherWithoutPackingBillsEveryExampleAtMaxSeqLength() {
        DatasetTokens estimated = DatasetTokens.estimated(5_000, 2_000_000, 0.12, "estimate:llama");
        CostEstimate estimate = estimator.estimate(CostRequest.builder("together", "llama-3.1-8b", estimated)
                .epochs(3).packing(false).maxSeqLength(2048).build());
        assertEquals(BilledTokens.exactly(5_000L * 2048 * 3), estimate.billedTokens());
        assertTrue(estimate.assumptions().stream().anyMatch(a -> a.contains("packing off")));
    }

    @Test
    void unpricedModelSaysSoWithoutANumber() {
        CostEstimate estimate = estimator.estimate(CostRequest.builder("together", "deepseek-r1", ISSUE_EXAMPLE)
                .epochs(3).build());
        assertFalse(estimate.priced());
        assertNull(estimate.expected());
        assertNull(estimate.pricePerMillion());
        assertEquals(6_000_000, estimate.billedTokens().expected(), "tokens are still known");
        assertTrue(estimate.summary().startsWith("no price for deepseek-ai/DeepSeek-R1"), estimate.summary());
    }

    @ParameterizedTest
    @CsvSource({"1,25", "4,25", "10,10", "20,5", "33,3", "34,3", "100,3", "8333,3", "8334,2", "10000,2", "25001,1", "30000,1"})
    void openAiDefaultEpochsFollowTheCookbookRule(long examples, int epochs) {
        assertEquals(epochs, OpenAiBilling.defaultEpochs(examples));
    }

    @Test
    void openAiDefaultsEpochsAndCapsEachExampleAtTheContext() {
        int[] perExample = new int[20];
        Arrays.fill(perExample, 1_000);
        perExample[0] = 100_000; // longer than gpt-4o-mini's 65,536 training context
        DatasetTokens tokens = DatasetTokens.ofExamples(perExample, TokenAccuracy.exact("tiktoken:o200k_base"));
        CostEstimate estimate = estimator.estimate(CostRequest.builder("openai", "gpt-4o-mini", tokens)
                .trainingType(TrainingType.MANAGED).build());
        assertEquals(5, estimate.epochs()); // 20 x 3 < 100 -> min(25, 100 // 20)
        long perEpoch = 65_536 + 19 * 1_000;
        assertEquals(perEpoch * 5, estimate.billedTokens().expected());
        assertMoney(BigDecimal.valueOf(perEpoch * 5).multiply(new BigDecimal("3")).movePointLeft(6).toPlainString(),
                estimate.expected());
    }

    @Test
    void openAiHasNoLoraChoice() {
        CatalogException e = assertThrows(CatalogException.class,
                () -> estimator.estimate(CostRequest.builder("openai", "gpt-4o-mini", ISSUE_EXAMPLE).build()));
        assertEquals(CatalogErrorCode.CATALOG_TRAINING_TYPE_UNSUPPORTED, e.code());
        assertTrue(e.getMessage().contains("managed"), e.getMessage());
    }

    @Test
    void fireworksBillsDatasetTokensTimesEpochsAndNeedsEpochs() {
        CostEstimate estimate = estimator.estimate(CostRequest.builder("fireworks", "llama-3.1-8b", ISSUE_EXAMPLE)
                .epochs(3).build());
        assertMoney("3.00", estimate.expected()); // 6M x $0.50
        CatalogException e = assertThrows(CatalogException.class,
                () -> estimator.estimate(CostRequest.builder("fireworks", "llama-3.1-8b", ISSUE_EXAMPLE).build()));
        assertEquals(CatalogErrorCode.COST_INPUT_INVALID, e.code());
    }

    @Test
    void localEngineCostsNothing() {
        CostEstimate estimate = estimator.estimate(CostRequest.builder("local", "stories260K", ISSUE_EXAMPLE)
                .epochs(3).build());
        assertTrue(estimate.priced());
        assertEquals(0, estimate.expected().signum());
    }

    @Test
    void unsupportedMethodAndBadInputAreNamed() {
        CatalogException dpo = assertThrows(CatalogException.class, () -> estimator.estimate(
                CostRequest.builder("local", "stories260K", ISSUE_EXAMPLE).method(TrainingMethod.DPO).build()));
        assertEquals(CatalogErrorCode.CATALOG_METHOD_UNSUPPORTED, dpo.code());
        CatalogException input = assertThrows(CatalogException.class, () -> estimator.estimate(
                CostRequest.builder("together", "llama-3.1-8b", ISSUE_EXAMPLE).epochs(0).validation(null, 2).build()));
        assertEquals(CatalogErrorCode.COST_INPUT_INVALID, input.code());
        assertEquals(2, input.details().size(), input.details().toString());
    }
}
