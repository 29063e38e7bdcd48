package dev.entourage.http.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/schemas/*.json} are exactly what {@link WireSchemas#published()} generates: one file per shape, none
 * missing, none stale. After changing a shape, regenerate them with
 * {@code mvn -B -q -pl http-bridge -am test -Dtest=PublishedSchemasTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dentourage.schemas.write=true} and commit the files.
 */
class PublishedSchemasTest {
    private static final Path DIR = Path.of("..", "docs", "schemas");

    static String text(com.fasterxml.jackson.databind.JsonNode schema) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(schema) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theCheckedInSchemaFilesAreWhatTheCodeGenerates() throws IOException {
        Map<String, String> generated = WireSchemas.published().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey() + ".json", e -> text(e.getValue())));
        if (Boolean.getBoolean("entourage.schemas.write")) {
            Files.createDirectories(DIR);
            try (Stream<Path> old = Files.list(DIR)) {
                for (Path file : old.filter(f -> f.toString().endsWith(".json")).toList()) {
                    Files.delete(file);
                }
            }
            for (Map.Entry<String, String> e : generated.entrySet()) {
                Files.writeString(DIR.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
            }
        }
        Set<String> onDisk;
        try (Stream<Path> files = Files.list(DIR)) {
            onDisk = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(onDisk).as("files in docs/schemas (regenerate with -Dentourage.schemas.write=true)")
                .containsExactlyInAnyOrderElementsOf(generated.keySet());
        for (Map.Entry<String, String> e : generated.entrySet()) {
            assertThat(Files.readString(DIR.resolve(e.getKey()), StandardCharsets.UTF_8))
                    .as("docs/schemas/" + e.getKey() + " (regenerate with -Dentourage.schemas.write=true)")
                    .isEqualTo(e.getValue());
        }
    }

    @Test
    void everyPublishedSchemaNamesItsDialectAndIsAClosedObject() {
        assertThat(WireSchemas.published()).isNotEmpty().allSatisfy((name, schema) -> {
            assertThat(schema.path("$schema").asText()).isEqualTo(WireSchemas.DIALECT);
            assertThat(schema.path("title").asText()).isEqualTo(name);
            assertThat(schema.path("type").asText()).isEqualTo("object");
            assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
        });
    }
}
