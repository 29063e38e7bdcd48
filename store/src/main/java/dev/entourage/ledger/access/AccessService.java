package dev.entourage.ledger.access;

import dev.entourage.ledger.LedgerStore;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * API keys, people and the token secret: who may call Entourage. Keys are {@code oc_} + random base62 +
 * checksum and stored only as SHA-256 hashes; passwords only as slow PBKDF2 hashes.
 *
 * <p>Errors are {@link dev.entourage.ledger.LedgerException}s: {@code invalid_request} naming the field,
 * {@code not_found}, {@code conflict} (e.g. an email already registered).
 */
public final class AccessService {
    private final LedgerStore store;
    private final Clock clock;

    public AccessService(LedgerStore store, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates a key in a team. An {@link Role#AGENT} key needs {@code agentName} (the agent is created in the
     * team if new); other roles must not name one.
     *
     * @param label a name for people to recognise the key by, or null
     */
    public IssuedKey createKey(String teamRef, Role role, String agentName, String label) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** A team's keys, newest first, revoked ones included. */
    public List<ApiKey> keys(long teamId) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Revokes a key of the team at once; revoking twice returns the same. */
    public ApiKey revokeKey(long keyId, long teamId) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** The principal of a presented key, if it is well formed, known and not revoked; notes its use. */
    public Optional<Principal> authenticate(String presentedKey) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Registers a person; {@code role} is admin or viewer. */
    public User addUser(String email, Role role, String teamRef, char[] password) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** The principal of a person whose password matches, else empty (same time either way). */
    public Optional<Principal> login(String email, char[] password) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** The HS256 secret for access tokens: at least 32 random bytes, made once and kept in the store. */
    public byte[] tokenSecret() {
        throw new UnsupportedOperationException("not built yet");
    }

    /** For {@code entourage init}: a first admin key of the default team, unless it has an admin key already. */
    public Optional<IssuedKey> firstAdminKey() {
        throw new UnsupportedOperationException("not built yet");
    }

    Clock clock() {
        return clock;
    }

    LedgerStore store() {
        return store;
    }
}
