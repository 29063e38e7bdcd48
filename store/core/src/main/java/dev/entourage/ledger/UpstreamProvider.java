package dev.entourage.ledger;

/** A model provider whose API key a team may keep in a file for the gateway; {@link #wireName()} names it. */
public enum UpstreamProvider {
    ANTHROPIC("anthropic"),
    OPENAI("openai");

    private final String wireName;

    UpstreamProvider(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
