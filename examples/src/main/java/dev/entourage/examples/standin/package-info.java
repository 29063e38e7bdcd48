/**
 * Test equipment for proofs with real coding agents, not product: {@link
 * dev.entourage.examples.standin.AnthropicStandIn}, a local stand-in for the Anthropic Messages API that scripts a
 * runaway (the same tool call every turn, fixed usage), and {@link dev.entourage.examples.standin.Recorder}, which
 * writes what an agent sends to Entourage's doors (OTLP, hooks) to files. Both depend on the JDK only and run as
 * single source files ({@code java AnthropicStandIn.java --port 0}).
 */
package dev.entourage.examples.standin;
