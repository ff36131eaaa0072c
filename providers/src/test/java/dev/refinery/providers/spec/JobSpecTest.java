package dev.refinery.providers.spec;

import dev.refinery.catalog.TrainingMethod;
import dev.refinery.providers.http.ApiKey;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class JobSpecTest {

    private static final DatasetRefs DATA = DatasetRefs.trainingOnly(
            new DatasetFile("t.jsonl", DatasetFormat.JSONL, 3, () -> new ByteArrayInputStream("abc".getBytes())));

    @Test
    void outOfRangeValuesNameTheField() {
        SpecException e = assertThrows(SpecException.class, () -> JobSpec.builder(DATA, "m", TrainingMethod.SFT).learningRate(-1).build());
        assertEquals("SPEC_VALUE_OUT_OF_RANGE", e.code());
        assertEquals("learningRate", e.field());
        assertEquals("loraDropout", assertThrows(SpecException.class,
                () -> JobSpec.builder(DATA, "m", TrainingMethod.SFT).lora(8, null, 1.0, null)).field());
        assertEquals("SPEC_BASE_MODEL_MISSING", assertThrows(SpecException.class, () -> JobSpec.builder(DATA, " ", TrainingMethod.SFT).build()).code());
    }

    @Test
    void settingsThatContradictTheMethodAreRefused() {
        SpecException dpoOnSft = assertThrows(SpecException.class,
                () -> JobSpec.builder(DATA, "m", TrainingMethod.SFT).dpo(DpoVariant.STANDARD, 0.1, null, null).build());
        assertEquals("SPEC_FIELD_NOT_APPLICABLE", dpoOnSft.code());
        SpecException loraOnFull = assertThrows(SpecException.class,
                () -> JobSpec.builder(DATA, "m", TrainingMethod.SFT).lora(8, null, null, null).fullTraining().build());
        assertEquals("loraRank", loraOnFull.field());
        assertThrows(SpecException.class, () -> JobSpec.builder(DATA, "m", TrainingMethod.DPO).dpo(DpoVariant.STANDARD, 0.1, null, 1.0).build());
    }

    @Test
    void catalogDefaultsThatDoNotApplyAreDroppedAndUserValuesWin() {
        JobSpec spec = JobSpec.builder(DATA, "m", TrainingMethod.SFT).fullTraining().epochs(4).build();
        SpecValues catalog = SpecValues.EMPTY.with(SpecField.LORA_RANK, 16).with(SpecField.EPOCHS, 2).with(SpecField.LEARNING_RATE, 2e-5);
        EffectiveSpec e = EffectiveSpec.resolve(spec, catalog, ProviderDefaults.NONE);
        assertFalse(e.value(SpecField.LORA_RANK).isPresent());
        assertEquals(4, e.value(SpecField.EPOCHS).orElseThrow());
        assertEquals(ValueSource.USER, e.source(SpecField.EPOCHS).orElseThrow());
        assertEquals(ValueSource.CATALOG_DEFAULT, e.source(SpecField.LEARNING_RATE).orElseThrow());
        assertEquals("CATALOG_DEFAULT", e.sourcesByName().get("learningRate"));
        assertEquals("FULL", e.valuesByName().get("trainingType").toString());
    }

    @Test
    void localFilesTakeTheirFormatFromTheExtension() throws Exception {
        Path dir = Files.createTempDirectory("spec");
        Path p = Files.writeString(dir.resolve("d.parquet"), "PAR1");
        DatasetFile f = DatasetFile.of(p);
        assertEquals(DatasetFormat.PARQUET, f.format());
        assertEquals(4, f.sizeBytes());
        Path csv = Files.writeString(dir.resolve("d.csv"), "a,b");
        assertEquals("DATASET_FORMAT_UNSUPPORTED", assertThrows(SpecException.class, () -> DatasetFile.of(csv)).code());
        Path empty = Files.writeString(dir.resolve("e.jsonl"), "");
        assertEquals("DATASET_FILE_EMPTY", assertThrows(SpecException.class, () -> DatasetFile.of(empty)).code());
    }

    @Test
    void apiKeyNeverPrintsItself() {
        ApiKey key = ApiKey.of("sk-very-secret");
        assertFalse(key.toString().contains("sk-very-secret"));
        assertEquals("sk-very-secret", key.reveal());
    }
}
