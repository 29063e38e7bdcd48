package dev.entourage.http.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed certificates made at test time with the JDK's {@code keytool} (no private key is committed): each one a
 * PKCS12 key store a stand-in upstream serves, and a trust store holding whichever of them a test trusts.
 */
final class GatewayTlsCertificates {
    static final String PASSWORD = "entourage-test";
    private static final Path KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool");

    private GatewayTlsCertificates() {
    }

    /** A key store under {@code dir} holding a new EC key and its self-signed certificate for {@code san}. */
    static Path keyStore(Path dir, String alias, String san) throws IOException, InterruptedException {
        Path store = dir.resolve(alias + ".p12");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + alias, "-ext", "san=" + san, "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        return store;
    }

    /** Adds the certificate of {@code keyStore}'s {@code alias} to the trust store {@code trustStore}. */
    static void trust(Path trustStore, Path keyStore, String alias) throws IOException, InterruptedException {
        Path certificate = keyStore.resolveSibling(alias + ".cer");
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", certificate.toString(),
                "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(KEYTOOL.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }
}
