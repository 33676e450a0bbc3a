package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads samples out of /metrics (Prometheus text exposition format) for metric assertions. */
public final class PrometheusText {
    private PrometheusText() {}

    /**
     * Sum of the samples of {@code name} whose labels contain every comma-separated {@code labels}.
     */
    public static double sample(String text, String name, String labels) {
        double sum = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String metric =
                    brace >= 0 ? line.substring(0, brace) : line.substring(0, line.indexOf(' '));
            if (!metric.equals(name)) {
                continue;
            }
            String lbl = brace >= 0 ? line.substring(brace, line.indexOf('}') + 1) : "";
            boolean all = true;
            for (String l : labels.split(",")) {
                all &= l.isEmpty() || lbl.contains(l);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(space + 1));
                found = true;
            }
        }
        assertThat(found).as(name + " {" + labels + "} in /metrics").isTrue();
        return sum;
    }

    /** How much {@code name}{labels} grew between two scrapes (absent before counts as zero). */
    public static double delta(String before, String after, String name, String labels) {
        double b =
                before.contains(name) && has(before, name, labels)
                        ? sample(before, name, labels)
                        : 0;
        return sample(after, name, labels) - b;
    }

    private static boolean has(String text, String name, String labels) {
        try {
            sample(text, name, labels);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }
}
