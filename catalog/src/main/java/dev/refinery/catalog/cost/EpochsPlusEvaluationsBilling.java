package dev.refinery.catalog.cost;

import dev.refinery.catalog.CatalogErrorCode;
import dev.refinery.catalog.CatalogException;
import dev.refinery.catalog.CatalogModel;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Together's formula (providers.md §1.7): epochs x training tokens + evaluations x validation tokens. With packing
 * off Together bills every example as max_seq_length tokens, so only the example counts matter (and they are
 * exact, which makes the range collapse to one number).
 */
final class EpochsPlusEvaluationsBilling implements BillingRule {

    static final int DEFAULT_EPOCHS = 1;

    @Override
    public Billing bill(CostRequest request, CatalogModel model) {
        List<String> assumptions = new ArrayList<>();
        int epochs = request.epochs() == null ? DEFAULT_EPOCHS : request.epochs();
        if (request.epochs() == null) {
            assumptions.add("epochs not given: " + DEFAULT_EPOCHS + " assumed (Together's n_epochs default, providers.md §1.4)");
        }
        DatasetTokens validation = request.validation();
        int evaluations = validation == null ? 0 : request.evaluations();
        if (request.packingEnabled()) {
            BilledTokens tokens = BilledTokens.within(request.training().tokens(), request.training().accuracy())
                    .times(epochs);
            if (evaluations > 0) {
                tokens = tokens.plus(BilledTokens.within(validation.tokens(), validation.accuracy()).times(evaluations));
            }
            return new Billing(tokens, epochs, assumptions);
        }
        int sequence = unpackedSequenceLength(request, model, assumptions);
        BilledTokens tokens = BilledTokens.exactly(Math.multiplyExact(request.training().examples(), sequence))
                .times(epochs);
        if (evaluations > 0) {
            tokens = tokens.plus(BilledTokens.exactly(Math.multiplyExact(validation.examples(), sequence))
                    .times(evaluations));
            assumptions.add("validation examples are assumed billed at max_seq_length too when packing is off");
        }
        assumptions.add("packing off: every example is billed as max_seq_length = " + sequence
                + " tokens (providers.md §1.4), whatever its real length");
        return new Billing(tokens, epochs, assumptions);
    }

    private static int unpackedSequenceLength(CostRequest request, CatalogModel model, List<String> assumptions) {
        if (request.maxSeqLength() != null) {
            return request.maxSeqLength();
        }
        OptionalInt context = model.contextLength().forMethod(request.method());
        if (context.isEmpty()) {
            throw new CatalogException(CatalogErrorCode.COST_INPUT_INVALID, "packing is off, so the cost depends on "
                    + "max_seq_length, and the catalog does not know " + model.id() + "'s context: give max_seq_length");
        }
        assumptions.add("max_seq_length not given: the model's " + request.method().wireName() + " context ("
                + context.getAsInt() + ") assumed");
        return context.getAsInt();
    }
}
