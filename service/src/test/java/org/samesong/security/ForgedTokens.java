package org.samesong.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.samesong.testing.TestApp;

/**
 * JWTs built by hand, the way an attacker builds them: any header, any claims, signed with any key
 * and algorithm, or not at all. Starting from a real token keeps every claim real but the one a
 * test changes, so that a refusal can only be about that one.
 */
final class ForgedTokens {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /** The application's secret in the tests (as {@code TokenService} reads it). */
  static final byte[] SECRET = TestApp.JWT_SECRET.getBytes(StandardCharsets.UTF_8);

  /** Another secret of the same length. */
  static final byte[] WRONG_SECRET =
      "another-secret-another-secret-another-secret-!!".getBytes(StandardCharsets.UTF_8);

  private ForgedTokens() {}

  static ObjectNode header(String token) {
    return part(token, 0);
  }

  static ObjectNode payload(String token) {
    return part(token, 1);
  }

  private static ObjectNode part(String token, int index) {
    try {
      return (ObjectNode) JSON.readTree(B64D.decode(token.split("\\.")[index]));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String signature(String token) {
    String[] parts = token.split("\\.", -1);
    return parts.length > 2 ? parts[2] : "";
  }

  static String encode(ObjectNode json) {
    try {
      return B64.encodeToString(JSON.writeValueAsBytes(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Header and payload as given, followed by {@code signature} as it is. */
  static String assemble(ObjectNode header, ObjectNode payload, String signature) {
    return encode(header) + "." + encode(payload) + "." + signature;
  }

  /**
   * Header and payload signed with an HMAC: {@code alg} goes into the header, {@code macAlgorithm}
   * (e.g. {@code HmacSHA512}) makes the signature, so the two may disagree.
   */
  static String hmac(ObjectNode header, ObjectNode payload, String macAlgorithm, byte[] key) {
    String signingInput = encode(header) + "." + encode(payload);
    try {
      Mac mac = Mac.getInstance(macAlgorithm);
      mac.init(new SecretKeySpec(key, macAlgorithm));
      return signingInput
          + "."
          + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode algHeader(String alg) {
    ObjectNode header = JSON.createObjectNode();
    header.put("alg", alg);
    header.put("typ", "JWT");
    return header;
  }

  /** The token's claims, changed by {@code change}, signed properly with the real secret. */
  static String resigned(String token, Consumer<ObjectNode> change) {
    ObjectNode payload = payload(token);
    change.accept(payload);
    return hmac(algHeader("HS256"), payload, "HmacSHA256", SECRET);
  }

  /** The token's claims changed by {@code change}, under the token's own (now wrong) signature. */
  static String tampered(String token, Consumer<ObjectNode> change) {
    ObjectNode payload = payload(token);
    change.accept(payload);
    return assemble(header(token), payload, signature(token));
  }
}
