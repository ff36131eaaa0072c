package dev.refinery.engine.chat;

import com.hubspot.jinjava.el.JinjavaNodePreProcessor;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.tree.Node;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The time limit of a rendering. Jinjava has no timeout of its own, but calls a pre-processor before it renders every
 * node (each tag, expression and text, each loop iteration included): this one checks the current rendering's deadline
 * there, so a template that loops stops within one node of its limit, without a second thread. The deadline is per
 * thread because one renderer serves every thread that encodes with the same model.
 */
final class RenderDeadline extends JinjavaNodePreProcessor {

    private final ThreadLocal<Long> deadlineNanos = new ThreadLocal<>();

    /** Runs {@code rendering} under a deadline {@code limit} from now; {@link Exceeded} once it passes. */
    <T> T within(Duration limit, Supplier<T> rendering) {
        deadlineNanos.set(System.nanoTime() + limit.toNanos());
        try {
            return rendering.get();
        } finally {
            deadlineNanos.remove();
        }
    }

    /** Whether the current rendering has run past its deadline (also after Jinjava recorded the stop as a template error). */
    boolean passed() {
        Long deadline = deadlineNanos.get();
        return deadline != null && System.nanoTime() - deadline > 0;
    }

    @Override
    public void accept(Node node, JinjavaInterpreter interpreter) {
        super.accept(node, interpreter); // what Jinjava's own pre-processor does: track the node, honour interrupts
        if (passed()) {
            throw new Exceeded();
        }
    }

    /** Stops the rendering; Jinjava turns it into a fatal template error, which the renderer reports as a timeout. */
    static final class Exceeded extends RuntimeException {
        Exceeded() {
            super("the rendering ran past its time limit", null, false, false);
        }
    }
}
