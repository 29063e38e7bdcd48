/**
 * Gateway mode for the Anthropic Messages API, served by {@code entourage serve} under {@code /anthropic}: a client
 * that takes a base URL (Claude Code's {@code ANTHROPIC_BASE_URL}, the SDKs' {@code baseURL}) sends its model calls
 * here and they are forwarded to the upstream ({@code --anthropic-upstream}). The same for OpenAI's Chat Completions
 * and Responses APIs under {@code /openai} ({@link dev.entourage.http.gateway.OpenAiGateway},
 * {@code --openai-upstream}), in OpenAI's wire format and error shape.
 *
 * <p>Who pays: the Entourage key in {@code X-Entourage-Key} (an agent key acts for its agent; an admin key names the
 * agent in {@code X-Entourage-Agent}). The provider credential ({@code x-api-key}, {@code Authorization}) is passed
 * through untouched and never stored or logged, unless the team keeps its own key in a file, which then replaces it;
 * the {@code X-Entourage-*} headers are stripped before forwarding.
 *
 * <p>Before a {@code POST /v1/messages} is sent, a hold sized from the request (input as the upstream's
 * {@code count_tokens} counts it, else ≈ body bytes / 4, plus {@code max_tokens} output, priced with the request's
 * modifiers) is reserved on every budget scope, with a durable record of the call in flight (a bridge killed
 * mid-call has it charged its floor by the next); if it does not fit the call is
 * refused 429 {@code billing_error} with {@code x-should-retry: false} and nothing goes upstream. After the call the
 * hold is settled by the provider's own usage (the {@code request-id} header is the event id, so a call counted
 * twice counts once); an upstream error is forwarded unchanged and the hold released; a stream cut short is charged a
 * floor estimate of what was streamed. {@code count_tokens} and {@code models} are passed through, metered by nothing.
 */
package dev.entourage.http.gateway;
