package io.gatehouse.routing.internal.catalog;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Cost arithmetic in integer micro-units. Prices are per million tokens, so a request costs {@code
 * (in * inPrice + out * outPrice) / 1e6} micro-units, rounded half up once per request. The product
 * is computed in BigInteger: no overflow, no floating point.
 */
public final class Prices {
    private static final BigInteger MILLION = BigInteger.valueOf(1_000_000);
    private static final BigInteger HALF = BigInteger.valueOf(500_000);

    private Prices() {}

    public static long costMicros(Model model, long inputTokens, long outputTokens) {
        return costMicros(
                model.inputPriceMicros(), model.outputPriceMicros(), inputTokens, outputTokens);
    }

    public static long costMicros(
            long inPrice, long outPrice, long inputTokens, long outputTokens) {
        if (inputTokens < 0 || outputTokens < 0 || inPrice < 0 || outPrice < 0) {
            throw new IllegalArgumentException("negative tokens or price");
        }
        BigInteger total =
                BigInteger.valueOf(inputTokens)
                        .multiply(BigInteger.valueOf(inPrice))
                        .add(
                                BigInteger.valueOf(outputTokens)
                                        .multiply(BigInteger.valueOf(outPrice)));
        return total.add(HALF).divide(MILLION).longValueExact();
    }

    /** Parses a price per million tokens in currency units ("2.50") into exact micro-units. */
    public static long parsePerMillion(String price) {
        BigDecimal d = new BigDecimal(price.trim());
        if (d.signum() < 0) {
            throw new IllegalArgumentException("negative price");
        }
        BigDecimal micros = d.movePointRight(6);
        if (micros.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("more than six decimal places");
        }
        return micros.setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }

    /** Micro-units as a decimal string, e.g. 1234567 -> "1.234567". */
    public static String format(long micros) {
        return BigDecimal.valueOf(micros, 6).toPlainString();
    }
}
