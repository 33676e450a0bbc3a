package io.gatehouse.shared;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Request ids: echoed from {@code X-Request-Id} when the client sends a sane one, generated otherwise;
 * stored as a servlet request attribute so that every layer (and the audit event) sees the same id.
 */
public final class RequestIds {
  public static final String HEADER = "X-Request-Id";
  public static final String ATTRIBUTE = "io.gatehouse.requestId";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  /** The client's id if it is safe to echo and log, else a fresh one. */
  public static String acceptOrGenerate(String fromClient) {
    if (fromClient != null && SAFE.matcher(fromClient).matches()) {
      return fromClient;
    }
    return generate();
  }

  /** A new random id: "req_" and 24 hex digits (96 bits). */
  public static String generate() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    char[] out = new char[4 + 24];
    out[0] = 'r';
    out[1] = 'e';
    out[2] = 'q';
    out[3] = '_';
    for (int i = 0; i < b.length; i++) {
      out[4 + 2 * i] = HEX[(b[i] >> 4) & 0xf];
      out[5 + 2 * i] = HEX[b[i] & 0xf];
    }
    return new String(out);
  }
}
