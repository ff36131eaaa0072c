package dev.refinery.training.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.engine.model.Projection;
import dev.refinery.engine.train.LrSchedule;
import dev.refinery.engine.train.TrainingConfig;
import dev.refinery.training.service.HyperparameterValidator;
import dev.refinery.training.service.Hyperparameters;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Effective hyperparameters to the engine's TrainingConfig, without Quarkus. */
class TrainingConfigMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDefaultsAreTheEnginesDefaultsPlusPeriodicCheckpoints() {
        Hyperparameters h = HyperparameterValidator.resolve(null, 512).hyperparameters();
        TrainingConfig c = TrainingConfigMapper.toEngine(h);
        TrainingConfig engine = TrainingConfig.defaults();
        assertEquals(engine.type(), c.type());
        assertEquals(engine.lora(), c.lora());
        assertEquals(engine.epochs(), c.epochs());
        assertEquals(engine.batchSize(), c.batchSize());
        assertEquals(engine.learningRate(), c.learningRate());
        assertEquals(engine.schedule(), c.schedule());
        assertEquals(engine.maxGradNorm(), c.maxGradNorm());
        assertEquals(engine.seed(), c.seed());
        assertEquals(engine.overflow(), c.overflow());
        assertEquals(512, c.maxSeqLen());
        assertEquals(50, c.checkpointEvery());
    }

    @Test
    void everyUserSettingReachesTheEngine() throws Exception {
        Hyperparameters h = HyperparameterValidator.resolve(JSON.readTree("{\"epochs\": 4, \"batchSize\": 2, \"gradientAccumulation\": 3,"
                + " \"batching\": \"packed\", \"learningRate\": 0.005, \"lrScheduler\": \"linear\", \"warmupRatio\": 0.1, \"minLrRatio\": 0.2,"
                + " \"weightDecay\": 0.01, \"maxGradNorm\": 0, \"loraRank\": 4, \"loraAlpha\": 32, \"loraDropout\": 0.1,"
                + " \"loraTargets\": \"q,v\", \"seed\": 7, \"maxSeqLen\": 128, \"overflow\": \"truncate\", \"trainOnInputs\": true,"
                + " \"evalEvery\": 5, \"checkpointEvery\": 10, \"earlyStoppingPatience\": 2}"), 512).hyperparameters();
        TrainingConfig c = TrainingConfigMapper.toEngine(h);
        assertEquals(TrainingConfig.TrainingType.LORA, c.type());
        assertEquals(4, c.epochs());
        assertEquals(2, c.batchSize());
        assertEquals(3, c.gradientAccumulation());
        assertEquals(TrainingConfig.Batching.PACKED, c.batching());
        assertEquals(0.005f, c.learningRate());
        assertEquals(LrSchedule.Kind.LINEAR, c.schedule());
        assertEquals(0.1f, c.warmupRatio());
        assertEquals(0.2f, c.minLrRatio());
        assertEquals(0.01f, c.weightDecay());
        assertEquals(0f, c.maxGradNorm());
        assertEquals(4, c.lora().rank());
        assertEquals(32f, c.lora().alpha());
        assertEquals(0.1f, c.lora().dropout());
        assertEquals(EnumSet.of(Projection.Q, Projection.V), c.lora().targets());
        assertEquals(7L, c.seed());
        assertEquals(128, c.maxSeqLen());
        assertEquals(TrainingConfig.Overflow.TRUNCATE, c.overflow());
        assertTrue(c.trainOnInputs());
        assertEquals(5, c.evalEvery());
        assertEquals(10, c.checkpointEvery());
        assertEquals(2, c.earlyStoppingPatience());
    }

    @Test
    void fullFineTuningMapsToTheEnginesFullType() {
        Map<String, Object> values = new LinkedHashMap<>(HyperparameterValidator.resolve(null, 512).hyperparameters().values());
        values.put(Hyperparameters.TRAINING_TYPE, "full");
        TrainingConfig c = TrainingConfigMapper.toEngine(new Hyperparameters(values, Map.of()));
        assertEquals(TrainingConfig.TrainingType.FULL, c.type());
        assertFalse(c.trainOnInputs());
    }

    @Test
    void storedHyperparametersMapTheSameAsFreshOnes() throws Exception {
        Hyperparameters fresh = HyperparameterValidator.resolve(JSON.readTree("{\"learningRate\": 0.002, \"loraAlpha\": 8}"), 512)
                .hyperparameters();
        Hyperparameters stored = HyperparameterJson.read(HyperparameterJson.values(fresh), HyperparameterJson.sources(fresh));
        assertEquals(TrainingConfigMapper.toEngine(fresh), TrainingConfigMapper.toEngine(stored));
        assertEquals(fresh.sources(), stored.sources());
    }
}
