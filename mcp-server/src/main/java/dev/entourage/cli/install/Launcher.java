package dev.entourage.cli.install;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How the agents start Entourage (the MCP sidecar, {@code entourage hook}): {@code --entourage PATH}, else the
 * {@code ./entourage} launcher that started this process ({@code ENTOURAGE_LAUNCHER}, which it exports), else
 * this JVM on this jar, else {@code entourage} from the {@code PATH}.
 */
final class Launcher {
    private Launcher() {
    }

    static List<String> command(String option, Map<String, String> env) {
        if (option != null && !option.isBlank()) {
            return List.of(Path.of(option).toAbsolutePath().toString());
        }
        String launcher = env.get("ENTOURAGE_LAUNCHER");
        if (launcher != null && !launcher.isBlank()) {
            return List.of(launcher);
        }
        try {
            Path jar = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(jar) && jar.toString().endsWith(".jar")) {
                String java = ProcessHandle.current().info().command().orElse("java");
                return List.of(java, "-jar", jar.toAbsolutePath().toString());
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return List.of("entourage");
        }
        return List.of("entourage");
    }
}
