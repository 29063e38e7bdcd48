package dev.entourage.ledger.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeyFormatTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void generatedKeysAreOcBase62WithAChecksumAndAtLeast160SecretBits() {
        String key = ApiKeyFormat.generate(random);

        assertThat(key).startsWith("oc_").hasSize(ApiKeyFormat.LENGTH).matches("oc_[0-9A-Za-z]+");
        assertThat(ApiKeyFormat.isWellFormed(key)).isTrue();
        int hiddenChars = ApiKeyFormat.LENGTH - ApiKeyFormat.PREFIX_LENGTH - ApiKeyFormat.CHECKSUM_LENGTH;
        assertThat(hiddenChars * Math.log(62) / Math.log(2)).as("bits not shown in listings").isGreaterThan(160);
    }

    @Test
    void keysDoNotRepeat() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            keys.add(ApiKeyFormat.generate(random));
        }
        assertThat(keys).hasSize(1000);
    }

    @Test
    void aTypoAnywhereIsRefusedByTheChecksum() {
        String key = ApiKeyFormat.generate(random);
        for (int i = 3; i < key.length(); i++) {
            char replacement = key.charAt(i) == 'x' ? 'y' : 'x';
            String typo = key.substring(0, i) + replacement + key.substring(i + 1);
            assertThat(ApiKeyFormat.isWellFormed(typo)).as("typo at %d", i).isFalse();
        }
        String swapped = key.substring(0, 5) + key.charAt(6) + key.charAt(5) + key.substring(7);
        assertThat(ApiKeyFormat.isWellFormed(swapped)).isEqualTo(swapped.equals(key));
    }

    @Test
    void malformedKeysAreRefused() {
        String key = ApiKeyFormat.generate(random);
        assertThat(ApiKeyFormat.isWellFormed(null)).isFalse();
        assertThat(ApiKeyFormat.isWellFormed("")).isFalse();
        assertThat(ApiKeyFormat.isWellFormed(key.substring(0, key.length() - 1))).isFalse();
        assertThat(ApiKeyFormat.isWellFormed(key + "0")).isFalse();
        assertThat(ApiKeyFormat.isWellFormed("sk_" + key.substring(3))).isFalse();
        assertThat(ApiKeyFormat.isWellFormed(" " + key.substring(1))).isFalse();
        assertThat(ApiKeyFormat.isWellFormed(key.substring(0, 10) + "-" + key.substring(11))).isFalse();
    }

    @Test
    void hashIsSha256HexAndPrefixShowsOnlyTheStart() {
        String key = ApiKeyFormat.generate(random);
        assertThat(ApiKeyFormat.hash(key)).hasSize(64).matches("[0-9a-f]+").isEqualTo(ApiKeyFormat.hash(key));
        assertThat(ApiKeyFormat.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(ApiKeyFormat.prefix(key)).hasSize(9).startsWith("oc_").isEqualTo(key.substring(0, 9));
    }

    @Test
    void checksumIsSixBase62CharactersEvenForSmallValues() {
        assertThat(ApiKeyFormat.checksum("")).isEqualTo("000000");
        assertThat(ApiKeyFormat.checksum("a")).hasSize(6).matches("[0-9A-Za-z]{6}");
    }
}
