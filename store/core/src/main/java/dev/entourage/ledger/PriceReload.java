package dev.entourage.ledger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * What a reload of the price file put in force.
 *
 * @param version  the table's version (the bundled version {@code +} the file's)
 * @param rows     how many rows (every version of every row) the table has
 * @param file     the file layered on the bundled table
 * @param loadedAt when it was put in force
 */
public record PriceReload(String version, int rows, Path file, Instant loadedAt) {
    public PriceReload {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(loadedAt, "loadedAt");
    }
}
