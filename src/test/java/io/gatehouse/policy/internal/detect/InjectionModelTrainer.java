package io.gatehouse.policy.internal.detect;

import io.gatehouse.policy.InjectionEvaluation;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Trains {@link InjectionModel}: logistic regression with AdaGrad and L2 over the hashed features
 * of {@link InjectionFeatures}, a fixed seed and a fixed order of the files, so the same files give
 * the same model bytes on every JVM (StrictMath, Java's specified {@link Random}).
 *
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/test-cp.txt)" \
 *     io.gatehouse.policy.internal.detect.InjectionModelTrainer train      # writes the model
 * java -cp ... io.gatehouse.policy.internal.detect.InjectionModelTrainer validate   # the split
 * </pre>
 */
public final class InjectionModelTrainer {
    static final Path RESOURCES = Path.of("src/test/resources/policy");
    static final Path TUNING = RESOURCES.resolve("injection-tuning.jsonl");
    static final Path HELDOUT_1 = RESOURCES.resolve("injection-heldout/heldout.jsonl");
    static final Path EXTRA = RESOURCES.resolve("injection-training-extra.jsonl");
    static final Path CORPUS = RESOURCES.resolve("detector-corpus.jsonl");

    /** Every training file of the shipped model, in training order. */
    static final List<Path> TRAINING = List.of(TUNING, EXTRA, CORPUS, HELDOUT_1);

    static final Path MODEL_FILE = Path.of("src/main/resources/policy/injection-model.bin");

    static final int BITS = 18;
    static final int EPOCHS = 12;
    static final double LEARNING_RATE = 0.2;
    static final double L2 = 1e-6;
    static final long SEED = 24;

    /**
     * The raw probability from which the model flags, chosen on the validation split: its logit is
     * subtracted from the bias, so the shipped model's 0.5 is this point.
     */
    static final double OPERATING_POINT = 0.65;

    /** One labelled text. */
    record Example(String id, String text, boolean attack, String family, String lang) {}

    private InjectionModelTrainer() {}

    /**
     * Reads labelled texts: the injection jsonl format ({@code attack}, {@code family}, {@code
     * lang}) or the detector corpus ({@code labels}: an injection when it lists {@code injection},
     * otherwise benign).
     */
    static List<Example> read(Path file) throws IOException {
        List<Example> out = new ArrayList<>();
        int line = 0;
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            line++;
            if (l.isBlank()) {
                continue;
            }
            JsonObject o = Json.createReader(new StringReader(l)).readObject();
            if (o.containsKey("labels")) {
                boolean attack =
                        o.getJsonArray("labels").getValuesAs(JsonString.class).stream()
                                .anyMatch(s -> s.getString().equals("injection"));
                out.add(
                        new Example(
                                file.getFileName() + ":" + line,
                                o.getString("text"),
                                attack,
                                attack ? "corpus" : "benign",
                                "en"));
            } else {
                out.add(
                        new Example(
                                o.getString("id"),
                                o.getString("text"),
                                o.getBoolean("attack"),
                                o.getString("family"),
                                o.getString("lang")));
            }
        }
        return out;
    }

    static List<Example> readAll(List<Path> files) throws IOException {
        List<Example> all = new ArrayList<>();
        for (Path f : files) {
            all.addAll(read(f));
        }
        return all;
    }

    /** The feature buckets of a text, one per occurrence. */
    static int[] features(String text, int mask) {
        String folded = TextNormalizer.fold(text);
        String canon = TextNormalizer.canonicalOfFolded(folded);
        String plain = TextNormalizer.withoutAccents(folded);
        int[] buf = new int[16];
        int[] n = {0};
        int[][] ref = {buf};
        InjectionFeatures.extract(
                canon,
                plain,
                mask,
                bucket -> {
                    if (n[0] == ref[0].length) {
                        ref[0] = java.util.Arrays.copyOf(ref[0], n[0] * 2);
                    }
                    ref[0][n[0]++] = bucket;
                });
        return java.util.Arrays.copyOf(ref[0], n[0]);
    }

    /** Trains a model on {@code data} (deterministic). */
    static InjectionModel train(List<Example> data) {
        int size = 1 << BITS;
        int mask = size - 1;
        int[][] x = new int[data.size()][];
        double[] y = new double[data.size()];
        for (int i = 0; i < data.size(); i++) {
            x[i] = features(data.get(i).text(), mask);
            y[i] = data.get(i).attack() ? 1 : 0;
        }
        double[] w = new double[size];
        double[] g2 = new double[size];
        double bias = 0;
        double biasG2 = 0;
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Random random = new Random(SEED);
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int idx : order) {
                int[] f = x[idx];
                if (f.length == 0) {
                    continue;
                }
                double v = 1 / Math.sqrt(f.length);
                double z = bias;
                for (int b : f) {
                    z += w[b] * v;
                }
                double g = InjectionModel.sigmoid(z) - y[idx];
                for (int b : f) {
                    double grad = g * v + L2 * w[b];
                    g2[b] += grad * grad;
                    w[b] -= LEARNING_RATE * grad / (Math.sqrt(g2[b]) + 1e-8);
                }
                biasG2 += g * g;
                bias -= LEARNING_RATE * g / (Math.sqrt(biasG2) + 1e-8);
            }
        }
        float[] weights = new float[size];
        for (int i = 0; i < size; i++) {
            weights[i] = (float) w[i];
        }
        double shift = StrictMath.log(OPERATING_POINT / (1 - OPERATING_POINT));
        return new InjectionModel((float) (bias - shift), weights);
    }

    /** Recall and precision of {@code scores} at 0.5, per family, per language and overall. */
    static String table(List<Example> data, double[] scores) {
        Map<String, int[]> fam = new TreeMap<>();
        Map<String, int[]> lang = new TreeMap<>();
        int[] all = new int[4];
        for (int i = 0; i < data.size(); i++) {
            Example e = data.get(i);
            boolean flagged = scores[i] >= InjectionEvaluation.THRESHOLD;
            int slot = e.attack() ? (flagged ? 1 : 0) : (flagged ? 3 : 2);
            if (e.attack()) {
                fam.computeIfAbsent(e.family(), k -> new int[4])[slot]++;
            }
            lang.computeIfAbsent(e.lang(), k -> new int[4])[slot]++;
            all[slot]++;
        }
        StringBuilder b = new StringBuilder("| family | attacks | flagged | recall |\n");
        b.append("|---|---:|---:|---:|\n");
        fam.forEach(
                (k, c) ->
                        b.append(
                                String.format(
                                        Locale.ROOT,
                                        "| %s | %d | %d | %.3f |%n",
                                        k,
                                        c[0] + c[1],
                                        c[1],
                                        (double) c[1] / (c[0] + c[1]))));
        b.append(
                "\n| language | attacks | flagged | recall | benign | false alarms | precision |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|\n");
        lang.forEach((k, c) -> b.append(row(k, c)));
        b.append(row("**all**", all));
        return b.toString();
    }

    private static String row(String name, int[] c) {
        int attacks = c[0] + c[1];
        return String.format(
                Locale.ROOT,
                "| %s | %d | %d | %.3f | %d | %d | %.3f |%n",
                name,
                attacks,
                c[1],
                attacks == 0 ? 1.0 : (double) c[1] / attacks,
                c[2] + c[3],
                c[3],
                c[1] + c[3] == 0 ? 1.0 : (double) c[1] / (c[1] + c[3]));
    }

    public static void main(String[] args) throws IOException {
        String mode = args.length > 0 ? args[0] : "train";
        if (mode.equals("train")) {
            InjectionModel m = train(readAll(TRAINING));
            Files.write(MODEL_FILE, m.toBytes());
            System.out.println("wrote " + MODEL_FILE);
            return;
        }
        // validate: train without held-out 1, measure on it (model alone and combined).
        InjectionModel m = train(readAll(List.of(TUNING, EXTRA, CORPUS)));
        List<Example> val = read(HELDOUT_1);
        double[] model = new double[val.size()];
        double[] heuristic = new double[val.size()];
        double[] combined = new double[val.size()];
        for (int i = 0; i < val.size(); i++) {
            String t = val.get(i).text();
            model[i] = m.probability(t);
            heuristic[i] = InjectionDetector.score(List.of(t), null).score();
            combined[i] = InjectionDetector.score(List.of(t), m).score();
        }
        System.out.println("## heuristic alone\n" + table(val, heuristic));
        System.out.println("## model alone\n" + table(val, model));
        System.out.println("## combined (max)\n" + table(val, combined));
        long attacks = val.stream().filter(Example::attack).count();
        // Other operating points of the shipped scale (0.5 is the one chosen).
        for (double t = 0.3; t < 0.999; t += 0.05) {
            int tp = 0;
            int fp = 0;
            int mtp = 0;
            int mfp = 0;
            for (int i = 0; i < val.size(); i++) {
                boolean f = heuristic[i] >= 0.5 || model[i] >= t;
                boolean mf = model[i] >= t;
                if (val.get(i).attack()) {
                    tp += f ? 1 : 0;
                    mtp += mf ? 1 : 0;
                } else {
                    fp += f ? 1 : 0;
                    mfp += mf ? 1 : 0;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "t=%.2f combined tp=%d fp=%d recall=%.3f precision=%.3f | model tp=%d fp=%d%n",
                    t,
                    tp,
                    fp,
                    tp / (double) attacks,
                    tp / (double) (tp + fp),
                    mtp,
                    mfp);
        }
    }
}
