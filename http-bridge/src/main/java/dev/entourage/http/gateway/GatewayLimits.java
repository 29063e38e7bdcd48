package dev.entourage.http.gateway;

/** The bridge's rate limits as the gateway takes them: one model call from a caller's bucket. */
@FunctionalInterface
public interface GatewayLimits {
    /** No limit. */
    GatewayLimits NONE = client -> 0;

    /**
     * Takes one call from {@code client}'s bucket.
     *
     * @return 0 when the call may pass, else the seconds until one may
     */
    long take(String client);
}
