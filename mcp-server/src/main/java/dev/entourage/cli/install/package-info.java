/**
 * Set-up in one command: {@code entourage install|uninstall claude-code|codex|gemini}, which merge Entourage's
 * telemetry, hooks and MCP entries into a coding agent's own configuration files (never clobbering, with a backup,
 * a dry run that prints the diff, idempotent, and an uninstall that takes out exactly what install put in), and
 * {@code entourage run}, which registers a session, starts the agent under a budget and stops it when Entourage
 * says stop.
 */
package dev.entourage.cli.install;
