package io.gatehouse.policy.internal.detect;

import java.math.BigInteger;

/** The checksums that separate real card numbers and IBANs from random digit runs. */
final class Checksums {
    private Checksums() {}

    /** Luhn (mod 10) over the digits of {@code s}; other characters are skipped. */
    static boolean luhn(CharSequence s) {
        int sum = 0;
        boolean dbl = false;
        int digits = 0;
        for (int i = s.length() - 1; i >= 0; i--) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                continue;
            }
            int d = c - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
            digits++;
        }
        return digits > 0 && sum % 10 == 0;
    }

    /** ISO 13616 mod-97 check of an IBAN (spaces ignored, letters case-insensitive). */
    static boolean iban(String raw) {
        String s = raw.replace(" ", "").toUpperCase(java.util.Locale.ROOT);
        if (s.length() < 15 || s.length() > 34) {
            return false;
        }
        String rearranged = s.substring(4) + s.substring(0, 4);
        StringBuilder num = new StringBuilder(rearranged.length() * 2);
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            if (c >= '0' && c <= '9') {
                num.append(c);
            } else if (c >= 'A' && c <= 'Z') {
                num.append(c - 'A' + 10);
            } else {
                return false;
            }
        }
        return new BigInteger(num.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }
}
