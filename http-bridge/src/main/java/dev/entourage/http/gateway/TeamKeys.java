package dev.entourage.http.gateway;

import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.UpstreamProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upstream key of a team, read from the file {@code teams set --anthropic-key-file} named (its first line,
 * trimmed) and read again when the file's modification time or size changes. The key is held in memory only; it is
 * never logged. A file that is gone or unreadable counts as no key: the caller's own credential is forwarded.
 */
final class TeamKeys {
    private record Read(FileTime modified, long size, String key) {
    }

    private final LedgerServices ledger;
    private final UpstreamProvider provider;
    private final Map<Path, Read> cache = new ConcurrentHashMap<>();

    TeamKeys(LedgerServices ledger, UpstreamProvider provider) {
        this.ledger = ledger;
        this.provider = provider;
    }

    /** The team's key for this provider, when the team names a readable, non-empty key file. */
    Optional<String> key(long teamId) {
        Optional<String> path = ledger.upstreamKeys().pathForGateway(teamId, provider);
        return path.flatMap(p -> read(Path.of(p)));
    }

    private Optional<String> read(Path file) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            Read known = cache.get(file);
            if (known == null || !known.modified().equals(modified) || known.size() != size) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                String first = text.lines().findFirst().orElse("").strip();
                known = new Read(modified, size, first);
                cache.put(file, known);
            }
            return known.key().isEmpty() ? Optional.empty() : Optional.of(known.key());
        } catch (IOException | RuntimeException e) {
            cache.remove(file);
            return Optional.empty();
        }
    }
}
