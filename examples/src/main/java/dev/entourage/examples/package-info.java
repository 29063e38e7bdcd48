/**
 * Runnable examples of agents that use Entourage, run by CI as integration tests.
 *
 * <p>{@link dev.entourage.examples.AgentLoop} is the pattern to copy: start the {@code entourage mcp} sidecar
 * over stdio, call {@code start_session}, report the usage of every model call with a fresh {@code event_id},
 * call {@code check_budget} before expensive steps, stop and tell a human when an answer says
 * {@code "action": "stop"} (or {@code start_session} is refused with {@code budget_exceeded}), and always
 * call {@code end_session}.
 */
package dev.entourage.examples;
