package dev.refinery.training.repository;

import dev.refinery.catalog.TrainingMethod;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** The method column holds the wire name users type ({@code sft}, {@code dpo}). */
@Converter
public class TrainingMethodColumn implements AttributeConverter<TrainingMethod, String> {

    @Override
    public String convertToDatabaseColumn(TrainingMethod method) {
        return method == null ? null : method.wireName();
    }

    @Override
    public TrainingMethod convertToEntityAttribute(String column) {
        return column == null ? null : TrainingMethod.fromWireName(column)
                .orElseThrow(() -> new IllegalStateException("unknown training method in the job table: " + column));
    }
}
