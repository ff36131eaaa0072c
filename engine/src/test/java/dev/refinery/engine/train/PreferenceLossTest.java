package dev.refinery.engine.train;

import dev.refinery.engine.EngineException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pair loss of every variant: its value at known points and its derivatives against finite differences. */
class PreferenceLossTest {

    static Stream<Arguments> losses() {
        return Stream.of(
                Arguments.of(new PreferenceLoss(PreferenceLoss.Variant.STANDARD, 0.1f, 0f, 0f)),
                Arguments.of(new PreferenceLoss(PreferenceLoss.Variant.LENGTH_NORMALIZED, 0.5f, 0f, 0f)),
                Arguments.of(new PreferenceLoss(PreferenceLoss.Variant.SIMPO, 2f, 0f, 0.5f)),
                Arguments.of(new PreferenceLoss(PreferenceLoss.Variant.STANDARD, 0.1f, 1f, 0f)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void weightsAreTheDerivativesOfTheLossWithRespectToEachAnswersNll(PreferenceLoss loss) {
        double pc = -31.5, pr = -28.25, rc = -30, rr = -29;
        int lc = 12, lr = 9;
        PreferenceLoss.Terms t = loss.pair(pc, pr, rc, rr, lc, lr);
        double eps = 1e-4;
        // NLL = -logprob, so d loss / d NLL = -(d loss / d logprob).
        double dChosen = -(loss.pair(pc + eps, pr, rc, rr, lc, lr).loss() - loss.pair(pc - eps, pr, rc, rr, lc, lr).loss()) / (2 * eps);
        double dRejected = -(loss.pair(pc, pr + eps, rc, rr, lc, lr).loss() - loss.pair(pc, pr - eps, rc, rr, lc, lr).loss()) / (2 * eps);
        assertEquals(dChosen, t.chosenWeight(), 1e-7);
        assertEquals(dRejected, t.rejectedWeight(), 1e-7);
        assertTrue(t.chosenWeight() > 0, "the chosen answer is pulled up");
        assertTrue(t.rejectedWeight() < 0, "the rejected answer is pushed down");
    }

    @Test
    void atTheStartThePolicyIsTheReferenceAndTheLossIsLogTwo() {
        PreferenceLoss.Terms t = PreferenceLoss.defaults().pair(-40, -35, -40, -35, 10, 10);
        assertEquals(Math.log(2), t.loss(), 1e-12);
        assertEquals(0, t.rewardMargin(), 1e-12);
        assertFalse(t.preferred());
    }

    @Test
    void standardAndLengthNormalizedMarginsAsDefined() {
        // Chosen gained 2 nats over the reference in 10 tokens, rejected lost 1 in 4 tokens.
        assertEquals(0.1 * (2 - (-1)), PreferenceLoss.defaults().pair(-8, -6, -10, -5, 10, 4).rewardMargin(), 1e-7);
        PreferenceLoss normalized = new PreferenceLoss(PreferenceLoss.Variant.LENGTH_NORMALIZED, 0.1f, 0f, 0f);
        assertEquals(0.1 * (2.0 / 10 - (-1.0 / 4)), normalized.pair(-8, -6, -10, -5, 10, 4).rewardMargin(), 1e-9);
    }

    @Test
    void simpoIgnoresTheReferenceAndSubtractsGammaBeforeDeciding() {
        PreferenceLoss simpo = new PreferenceLoss(PreferenceLoss.Variant.SIMPO, 2f, 0f, 0.5f);
        PreferenceLoss.Terms a = simpo.pair(-10, -20, -1, -1, 10, 10);
        PreferenceLoss.Terms b = simpo.pair(-10, -20, -50, -3, 10, 10);
        assertEquals(a.loss(), b.loss(), 0);
        assertEquals(2 * (-1.0 - (-2.0)), a.rewardMargin(), 1e-9);
        assertEquals(Math.log1p(Math.exp(-(2.0 - 0.5))), a.loss(), 1e-9);
        // A margin of 0.25 is below gamma: not counted as preferred.
        assertFalse(simpo.pair(-10, -11.25, 0, 0, 10, 10).preferred());
    }

    @Test
    void nllWeightAddsTheChosenAnswersPerTokenNll() {
        PreferenceLoss plain = PreferenceLoss.defaults();
        PreferenceLoss withNll = new PreferenceLoss(PreferenceLoss.Variant.STANDARD, 0.1f, 0.5f, 0f);
        double extra = withNll.pair(-20, -30, -21, -29, 8, 8).loss() - plain.pair(-20, -30, -21, -29, 8, 8).loss();
        assertEquals(0.5 * 20 / 8, extra, 1e-9);
    }

    @Test
    void settingsOutsideTheirRangesAreRefusedWithTheirNames() {
        assertTrue(assertThrows(EngineException.InvalidArgument.class,
                () -> new PreferenceLoss(PreferenceLoss.Variant.STANDARD, 0f, 0f, 0f)).getMessage().contains("beta"));
        assertTrue(assertThrows(EngineException.InvalidArgument.class,
                () -> new PreferenceLoss(PreferenceLoss.Variant.STANDARD, 0.1f, -1f, 0f)).getMessage().contains("NLL weight"));
        assertTrue(assertThrows(EngineException.InvalidArgument.class,
                () -> new PreferenceLoss(PreferenceLoss.Variant.STANDARD, 0.1f, 0f, 0.5f)).getMessage().contains("simpo variant only"));
    }
}
