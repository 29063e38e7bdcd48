package dev.entourage.ledger.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PasswordHashingTest {
    private final Passwords passwords = new Passwords(new SecureRandom());

    @Test
    void hashIsPbkdf2Sha256With210kIterationsA16ByteSaltAndA32ByteHash() {
        String stored = passwords.hash("correct horse battery".toCharArray());

        String[] parts = stored.split("\\$");
        assertThat(parts).hasSize(4);
        assertThat(parts[0]).isEqualTo("pbkdf2-sha256");
        assertThat(parts[1]).isEqualTo("210000");
        assertThat(Base64.getDecoder().decode(parts[2])).hasSize(16);
        assertThat(Base64.getDecoder().decode(parts[3])).hasSize(32);
        assertThat(stored).doesNotContain("correct horse");
    }

    @Test
    void verifiesTheRightPasswordOnlyAndSaltsEachHash() {
        String first = passwords.hash("correct horse battery".toCharArray());
        String second = passwords.hash("correct horse battery".toCharArray());

        assertThat(first).isNotEqualTo(second);
        assertThat(passwords.verify("correct horse battery".toCharArray(), first)).isTrue();
        assertThat(passwords.verify("correct horse battery".toCharArray(), second)).isTrue();
        assertThat(passwords.verify("correct horse batterY".toCharArray(), first)).isFalse();
        assertThat(passwords.verify("".toCharArray(), first)).isFalse();
    }

    @Test
    void storedTextNotInTheFormatNeverMatches() {
        char[] password = "correct horse battery".toCharArray();
        assertThat(passwords.verify(password, "plain")).isFalse();
        assertThat(passwords.verify(password, "bcrypt$1$AAAA$AAAA")).isFalse();
        assertThat(passwords.verify(password, "pbkdf2-sha256$x$AAAA$AAAA")).isFalse();
        assertThat(passwords.verify(password, "pbkdf2-sha256$1000$!!$AAAA")).isFalse();
        assertThat(passwords.verify(password, null)).isFalse();
    }

    @Test
    void verifiesAStandardPbkdf2HashWithTheIterationsItWasMadeWith() {
        byte[] rfc7914 = HexFormat.of().parseHex("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
        String stored = "pbkdf2-sha256$1$" + Base64.getEncoder().encodeToString("salt".getBytes(StandardCharsets.UTF_8))
                + "$" + Base64.getEncoder().encodeToString(rfc7914);

        assertThat(passwords.verify("passwd".toCharArray(), stored)).isTrue();
        assertThat(passwords.verify("passwD".toCharArray(), stored)).isFalse();
    }
}
