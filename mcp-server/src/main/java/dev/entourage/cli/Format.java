package dev.entourage.cli;

/** Output formats of report commands. */
enum Format {
    table, json, csv
}
