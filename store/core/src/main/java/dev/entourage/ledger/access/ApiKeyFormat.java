package dev.entourage.ledger.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * The shape of API keys: {@code oc_} + 33 random base62 characters (196 bits) + a 6-character base62
 * checksum (CRC32 of the random part), 42 characters in all, e.g. {@code oc_7Hq2xK…}. The checksum lets a
 * mistyped or truncated key be refused without a database lookup. Keys are stored only as
 * {@link #hash(String) SHA-256 hashes} beside a {@link #prefix(String) display prefix}.
 */
public final class ApiKeyFormat {
    /** What every key starts with. */
    public static final String START = "oc_";
    static final int RANDOM_LENGTH = 33;
    static final int CHECKSUM_LENGTH = 6;
    /** Characters of the key shown in listings: {@code oc_} and the first 6 random ones (the other 27 stay secret). */
    static final int PREFIX_LENGTH = START.length() + 6;
    public static final int LENGTH = START.length() + RANDOM_LENGTH + CHECKSUM_LENGTH;

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private ApiKeyFormat() {
    }

    /** A new key from {@code random}. */
    public static String generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        StringBuilder key = new StringBuilder(LENGTH).append(START);
        for (int i = 0; i < RANDOM_LENGTH; i++) {
            key.append(BASE62.charAt(random.nextInt(BASE62.length())));
        }
        String body = key.substring(START.length());
        return key.append(checksum(body)).toString();
    }

    /** True when {@code presented} has the shape of a key and its checksum matches; no lookup involved. */
    public static boolean isWellFormed(String presented) {
        if (presented == null || presented.length() != LENGTH || !presented.startsWith(START)) {
            return false;
        }
        for (int i = START.length(); i < LENGTH; i++) {
            if (BASE62.indexOf(presented.charAt(i)) < 0) {
                return false;
            }
        }
        String body = presented.substring(START.length(), START.length() + RANDOM_LENGTH);
        return checksum(body).equals(presented.substring(START.length() + RANDOM_LENGTH));
    }

    /** The SHA-256 of the whole key, as 64 lower-case hex digits: what the store keeps. */
    public static String hash(String key) {
        Objects.requireNonNull(key, "key");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** The part of a well-formed key that may be shown: {@code oc_} and its first 6 random characters. */
    public static String prefix(String key) {
        if (key == null || key.length() < PREFIX_LENGTH) {
            throw new IllegalArgumentException("not an API key");
        }
        return key.substring(0, PREFIX_LENGTH);
    }

    static String checksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        char[] digits = new char[CHECKSUM_LENGTH];
        for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
            digits[i] = BASE62.charAt((int) (value % BASE62.length()));
            value /= BASE62.length();
        }
        return new String(digits);
    }
}
