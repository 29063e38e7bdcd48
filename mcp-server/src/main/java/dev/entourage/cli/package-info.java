/**
 * The {@code entourage} command line (picocli): each command decodes its options, calls one ledger
 * method, and prints a table, JSON or CSV. Exit codes: 0 ok, 1 failure, 2 usage error.
 */
package dev.entourage.cli;
