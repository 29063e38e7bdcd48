package dev.entourage.http.gateway;

import dev.entourage.ledger.TokenCounts;

/**
 * What one provider's answer says it used, read as its bytes pass through the gateway: a stream's events or one JSON
 * body. One implementation per provider wire format; not thread-safe, one per answer.
 */
interface StreamTally {
    /** Reads the answer as SSE when its {@code Content-Type} is {@code text/event-stream}, else as one body. */
    void expect(String contentType);

    /** Reads the next bytes of the answer. */
    void feed(byte[] bytes, int offset, int length);

    /** The answer has ended (completely or not). */
    void finish();

    /** Whether the answer ended with its final usage. */
    boolean complete();

    /** The model the answer names, or null. */
    String model();

    /** The tokens the provider reported; only meaningful when {@link #complete()}. */
    TokenCounts tokens();

    /** The least a cut-short answer cost, given the request's input estimate. */
    TokenCounts floor(long inputEstimate);
}
