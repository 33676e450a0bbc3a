package io.gatehouse.policy.internal.detect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A logistic-regression classifier over hashed n-grams ({@link InjectionFeatures}) that estimates
 * the probability that a text is a prompt injection. Trained by {@code InjectionModelTrainer} (test
 * sources) from the labelled files named in docs/policy.md; never edited by hand (a test retrains
 * it and compares the bytes).
 *
 * <p>File format (little-endian): the 4 bytes {@code GHIM}; int32 format version (1); int32 length
 * and the UTF-8 bytes of the feature specification ({@link InjectionFeatures#SPEC}); int32 bucket
 * bits {@code b}; float32 bias; {@code 2^b} float32 weights. A text's probability is {@code
 * sigmoid(bias + sum(weights[bucket]) / sqrt(n))} over its {@code n} feature occurrences (0 when it
 * has none).
 */
public final class InjectionModel {
    static final String RESOURCE = "/policy/injection-model.bin";
    static final byte[] MAGIC = {'G', 'H', 'I', 'M'};
    static final int VERSION = 1;

    private final float bias;
    private final float[] weights;
    private final int mask;

    InjectionModel(float bias, float[] weights) {
        if (Integer.bitCount(weights.length) != 1) {
            throw new IllegalArgumentException("bucket count must be a power of two");
        }
        this.bias = bias;
        this.weights = weights;
        this.mask = weights.length - 1;
    }

    /** The model shipped with the gateway. */
    static InjectionModel standard() {
        return Shipped.MODEL;
    }

    /** Loaded on first use, so that the trainer can build a model before the file exists. */
    private static final class Shipped {
        static final InjectionModel MODEL = load();
    }

    float bias() {
        return bias;
    }

    float[] weights() {
        return weights;
    }

    /** The probability of injection for a text given as its canonical and plain folded forms. */
    double probability(String canon, String plain) {
        Sum sum = new Sum(weights);
        int n = InjectionFeatures.extract(canon, plain, mask, sum);
        // No feature (an empty or punctuation-free tiny text): nothing to judge.
        return n == 0 ? 0.0 : sigmoid(bias + sum.total / Math.sqrt(n));
    }

    /** The probability of injection for a raw text. */
    double probability(String text) {
        String folded = TextNormalizer.fold(text);
        return probability(
                TextNormalizer.canonicalOfFolded(folded), TextNormalizer.withoutAccents(folded));
    }

    static double sigmoid(double z) {
        // StrictMath: the same bits on every JVM, so the known-answer tests and retraining agree.
        return 1 / (1 + StrictMath.exp(-z));
    }

    private static final class Sum implements InjectionFeatures.Sink {
        private final float[] w;
        double total;

        Sum(float[] w) {
            this.w = w;
        }

        @Override
        public void accept(int bucket) {
            total += w[bucket];
        }
    }

    /** The model in the file format above. */
    byte[] toBytes() {
        byte[] spec = InjectionFeatures.SPEC.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b =
                ByteBuffer.allocate(4 + 4 + 4 + spec.length + 4 + 4 + 4 * weights.length)
                        .order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(spec.length).put(spec);
        b.putInt(Integer.numberOfTrailingZeros(weights.length)).putFloat(bias);
        for (float w : weights) {
            b.putFloat(w);
        }
        return b.array();
    }

    /** Reads the file format above; refuses another version or feature specification. */
    static InjectionModel fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("not an injection model file");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new IllegalArgumentException("unsupported model version " + version);
        }
        byte[] spec = new byte[b.getInt()];
        b.get(spec);
        if (!InjectionFeatures.SPEC.equals(new String(spec, StandardCharsets.UTF_8))) {
            throw new IllegalArgumentException("model trained for other features: retrain it");
        }
        int bits = b.getInt();
        if (bits < 1 || bits > 24) {
            throw new IllegalArgumentException("bucket bits out of range: " + bits);
        }
        float bias = b.getFloat();
        float[] weights = new float[1 << bits];
        if (b.remaining() != 4 * weights.length) {
            throw new IllegalArgumentException("model file has the wrong length");
        }
        b.asFloatBuffer().get(weights);
        return new InjectionModel(bias, weights);
    }

    private static InjectionModel load() {
        try (InputStream in = InjectionModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return fromBytes(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
