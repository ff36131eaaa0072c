package dev.refinery.engine.nn;

/**
 * Root-mean-square normalisation, y = w * x / sqrt(mean(x^2) + eps), row by row.
 */
public final class RmsNorm {

    private RmsNorm() {
    }

    /**
     * Normalises {@code rows} rows of width {@code dim}; stores 1/rms of each row in {@code invRms}
     * (may be null at inference) for the backward pass.
     */
    public static void forward(float[] x, float[] weight, float eps, float[] out, float[] invRms, int rows, int dim) {
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            float ss = 0f;
            for (int i = 0; i < dim; i++) {
                ss += x[o + i] * x[o + i];
            }
            ss = ss / dim + eps;
            float inv = (float) (1.0 / Math.sqrt(ss));
            if (invRms != null) {
                invRms[r] = inv;
            }
            for (int i = 0; i < dim; i++) {
                out[o + i] = weight[i] * (inv * x[o + i]);
            }
        }
    }

    /**
     * Adds dL/dx to {@code dx} given dL/dy; adds dL/dw to {@code dWeight} when it is not null.
     * With g = w * dy: dx = inv * g - inv^3 * x * sum(g * x) / dim.
     */
    public static void backward(float[] x, float[] weight, float[] invRms, float[] dy, float[] dx, float[] dWeight, int rows, int dim) {
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            float inv = invRms[r];
            double gx = 0;
            for (int i = 0; i < dim; i++) {
                gx += (double) weight[i] * dy[o + i] * x[o + i];
            }
            float coef = (float) (gx * inv * inv * inv / dim);
            for (int i = 0; i < dim; i++) {
                dx[o + i] += inv * weight[i] * dy[o + i] - coef * x[o + i];
            }
            if (dWeight != null) {
                for (int i = 0; i < dim; i++) {
                    dWeight[i] += dy[o + i] * x[o + i] * inv;
                }
            }
        }
    }
}
