package io.gatehouse.policy.internal.detect;

/**
 * One finding in a text.
 *
 * @param type entity type as rules name it ({@code email}, {@code card}, {@code secret}, ...)
 * @param kind a finer kind where useful (e.g. {@code aws_access_key_id}); equals type otherwise
 * @param start start offset (inclusive) in the text that was scanned
 * @param end end offset (exclusive)
 * @param score confidence 0..1
 */
public record Detection(String type, String kind, int start, int end, double score) {
    public int length() {
        return end - start;
    }

    boolean overlaps(Detection o) {
        return start < o.end && o.start < end;
    }
}
