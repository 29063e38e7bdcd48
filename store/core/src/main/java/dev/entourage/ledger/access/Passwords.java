package dev.entourage.ledger.access;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes: PBKDF2 with HMAC-SHA256, 210,000 iterations, a 16-byte random salt and a 32-byte result,
 * kept as {@code pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>}. Verification compares in constant
 * time; {@link #burn(char[])} spends the same effort when there is no hash to compare with.
 */
final class Passwords {
    static final String SCHEME = "pbkdf2-sha256";
    static final int ITERATIONS = 210_000;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    static final int MIN_LENGTH = 12;
    static final int MAX_LENGTH = 1024;

    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();
    private static final byte[] DUMMY_SALT = new byte[SALT_BYTES];
    private static final byte[] DUMMY_HASH = new byte[HASH_BYTES];

    private final SecureRandom random;

    Passwords(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A new hash of {@code password} with a fresh salt, in the stored format. */
    String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = pbkdf2(password, salt, ITERATIONS);
        return SCHEME + "$" + ITERATIONS + "$" + ENCODER.encodeToString(salt) + "$" + ENCODER.encodeToString(hash);
    }

    /** True when {@code password} matches {@code stored}; false for any stored text not in the format. */
    boolean verify(char[] password, String stored) {
        String[] parts = stored == null ? new String[0] : stored.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME)) {
            burn(password);
            return false;
        }
        int iterations;
        byte[] salt;
        byte[] expected;
        try {
            iterations = Integer.parseInt(parts[1]);
            salt = DECODER.decode(parts[2]);
            expected = DECODER.decode(parts[3]);
        } catch (IllegalArgumentException e) {
            burn(password);
            return false;
        }
        if (iterations < 1 || iterations > 10 * ITERATIONS || salt.length == 0 || expected.length == 0) {
            burn(password);
            return false;
        }
        byte[] actual = pbkdf2(password, salt, iterations, expected.length * 8);
        return MessageDigest.isEqual(actual, expected);
    }

    /** Does the work of one verification and throws the result away, so an unknown account takes as long. */
    void burn(char[] password) {
        MessageDigest.isEqual(pbkdf2(password, DUMMY_SALT, ITERATIONS), DUMMY_HASH);
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        return pbkdf2(password, salt, iterations, HASH_BYTES * 8);
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations, int bits) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bits);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (InvalidKeySpecException e) {
            throw new IllegalArgumentException("password cannot be hashed", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this Java runtime", e);
        } finally {
            spec.clearPassword();
        }
    }
}
