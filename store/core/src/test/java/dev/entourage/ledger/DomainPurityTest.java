package dev.entourage.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The domain package stays plain Java (see its package-info): no persistence, JSON, HTTP, MCP or CLI
 * libraries, no floating-point money, and no wall clock or environment. Scans the source files; Maven runs
 * tests with the module directory as the working directory.
 */
class DomainPurityTest {
    private static final Path DOMAIN = Path.of("src/main/java/dev/entourage/ledger");

    private static final List<String> FORBIDDEN_PACKAGES = List.of(
            "org.jdbi", "com.fasterxml", "org.eclipse.jetty", "io.modelcontextprotocol", "picocli", "java.sql");

    /** Code (outside comments and literals) that must not appear. */
    private static final List<Pattern> FORBIDDEN_CODE = List.of(
            Pattern.compile("\\bdouble\\b"),
            Pattern.compile("\\bfloat\\b"),
            Pattern.compile("\\bDouble\\b"),
            Pattern.compile("\\bFloat\\b"),
            Pattern.compile("\\bSystem\\s*\\.\\s*getenv\\b"),
            Pattern.compile("\\bSystem\\s*\\.\\s*currentTimeMillis\\b"),
            Pattern.compile("\\bSystem\\s*\\.\\s*nanoTime\\b"),
            Pattern.compile("\\bInstant\\s*\\.\\s*now\\s*\\("),
            Pattern.compile("\\b(LocalDate|LocalDateTime|LocalTime|ZonedDateTime|OffsetDateTime)\\s*\\.\\s*now\\s*\\("),
            Pattern.compile("\\bClock\\s*\\.\\s*system(UTC|DefaultZone)?\\s*\\("),
            Pattern.compile("\\bnew\\s+(java\\.util\\.)?Date\\s*\\("));

    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void domainSourcesImportNoInfrastructureLibrary() {
        List<String> offences = new ArrayList<>();
        for (Path file : domainSources()) {
            String code = codeOnly(read(file));
            Matcher imports = IMPORT.matcher(code);
            while (imports.find()) {
                String imported = imports.group(2);
                FORBIDDEN_PACKAGES.stream()
                        .filter(p -> imported.equals(p) || imported.startsWith(p + "."))
                        .forEach(p -> offences.add(DOMAIN.relativize(file) + " imports " + imported));
            }
            for (String forbidden : FORBIDDEN_PACKAGES) {
                if (Pattern.compile("(?<![\\w.])" + Pattern.quote(forbidden) + "\\.\\w").matcher(
                        IMPORT.matcher(code).replaceAll("")).find()) {
                    offences.add(DOMAIN.relativize(file) + " names " + forbidden + " by its full name");
                }
            }
        }
        assertThat(offences).isEmpty();
    }

    @Test
    void domainSourcesUseNoFloatingPointNorWallClockNorEnvironment() {
        List<String> offences = new ArrayList<>();
        for (Path file : domainSources()) {
            String code = codeOnly(read(file));
            for (Pattern forbidden : FORBIDDEN_CODE) {
                Matcher m = forbidden.matcher(code);
                while (m.find()) {
                    offences.add(DOMAIN.relativize(file) + ":" + lineOf(code, m.start()) + " uses " + m.group());
                }
            }
        }
        assertThat(offences).isEmpty();
    }

    @Test
    void scanSeesTheWholeDomainIncludingSubpackages() {
        List<String> names = domainSources().stream().map(p -> DOMAIN.relativize(p).toString().replace('\\', '/'))
                .toList();
        assertThat(names).contains("LedgerServices.java", "Money.java", "BudgetRules.java",
                "pricing/PriceTable.java", "pricing/ModelPrice.java");
        assertThat(names.size()).isGreaterThan(30);
    }

    @Test
    void scannerIgnoresCommentsAndLiteralsButSeesCode() {
        String sample = """
                // a double in a comment
                /* float here too, and Instant.now() */
                /** Javadoc: System.getenv */
                class A {
                    String s = "double float Instant.now() \\" still a string";
                    char c = '"';
                    long x = 1; double d = 2;
                }
                """;
        String code = codeOnly(sample);
        assertThat(code).doesNotContain("comment", "Javadoc", "still a string", "Instant.now");
        assertThat(FORBIDDEN_CODE.get(0).matcher(code).results().count()).isEqualTo(1);
        assertThat(lineOf(code, code.indexOf("double d"))).isEqualTo(7);
    }

    private static List<Path> domainSources() {
        assertThat(DOMAIN).as("run from the store module directory").isDirectory();
        try (Stream<Path> files = Files.walk(DOMAIN)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /**
     * The source with comments, string, text-block and char literals blanked out; line breaks are kept so
     * that offsets still map to lines.
     */
    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
                while (i < n && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blank(source, i, end, out);
                i = end;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? n : end + 3;
                blank(source, i, end, out);
                i = end;
            } else if (c == '"' || c == '\'') {
                int end = i + 1;
                while (end < n && source.charAt(end) != c && source.charAt(end) != '\n') {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, n);
                out.append(c).append(c);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static void blank(String source, int from, int to, StringBuilder out) {
        for (int k = from; k < to; k++) {
            if (source.charAt(k) == '\n') {
                out.append('\n');
            }
        }
        out.append(' ');
    }
}
