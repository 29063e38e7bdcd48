package dev.entourage.ledger.access;

import dev.entourage.ledger.Agent;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerReader;
import dev.entourage.ledger.LedgerStore;
import dev.entourage.ledger.LedgerWriter;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.events.LedgerEvent;
import dev.entourage.ledger.events.LedgerEvents;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API keys, people and the token secret: who may call Entourage. Keys are {@code oc_} + random base62 +
 * checksum and stored only as SHA-256 hashes; passwords only as slow PBKDF2 hashes.
 *
 * <p>Errors are {@link dev.entourage.ledger.LedgerException}s: {@code invalid_request} naming the field,
 * {@code not_found}, {@code conflict} (e.g. an email already registered), and {@code storage_unavailable}
 * when the store cannot answer. No message ever carries a key, a password or a hash.
 *
 * <p>One instance per process: it remembers when it last recorded each key's use, and caches the token secret.
 * Keys' {@code last_used_at} are written by a thread of its own, after the calls that used them. Made with the
 * process's {@link LedgerEvents}, it also trusts a key it looked up for a second ({@link RecentKeys}): a key revoked
 * in this process, or whose agent moved team, stops working at once; one revoked by another process within a second
 * (at once on PostgreSQL, whose other writers' commits are announced).
 */
public final class AccessService {
    /** A key's {@code last_used_at} is written at most this often. */
    static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
    static final String TOKEN_SECRET = "token_secret";
    static final int TOKEN_SECRET_BYTES = 32;
    static final String FIRST_ADMIN_LABEL = "first admin key";

    private final LedgerStore store;
    private final Clock clock;
    private final SecureRandom random;
    private final Passwords passwords;
    /** When this process last wrote each key's {@code last_used_at}. */
    private final Map<Long, Instant> lastTouched = new ConcurrentHashMap<>();
    private final KeyTouches touches;
    /** Keys looked up lately; null when every use is looked up (no events to forget them by). */
    private final RecentKeys recent;
    private volatile byte[] tokenSecret;

    /** Looks every key up at each use: for a process that does not publish the ledger's events (the CLI). */
    public AccessService(LedgerStore store, Clock clock) {
        this(store, clock, new SecureRandom(), null);
    }

    /**
     * Trusts a looked-up key for a second ({@link RecentKeys}), forgetting them all when {@code events} tells of
     * revoked keys or of another process's writes.
     */
    public AccessService(LedgerStore store, Clock clock, LedgerEvents events) {
        this(store, clock, new SecureRandom(), Objects.requireNonNull(events, "events"));
    }

    AccessService(LedgerStore store, Clock clock, SecureRandom random, LedgerEvents events) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.passwords = new Passwords(random);
        this.touches = new KeyTouches(store, lastTouched::remove);
        this.recent = events == null ? null : new RecentKeys(clock);
        if (events != null) {
            events.subscribe(event -> {
                if (event instanceof LedgerEvent.KeysRevoked || event instanceof LedgerEvent.ExternalChange) {
                    recent.forgetAll();
                }
            });
        }
    }

    /**
     * Creates a key in a team. An {@link Role#AGENT} key needs {@code agentName} (the agent is created in the
     * team if new); other roles must not name one. One write transaction.
     *
     * @param teamRef   the team's id (digits) or name; null for the {@code default} team
     * @param agentName the agent's name (or id) for an agent key, else null
     * @param label     a name for people to recognise the key by, or null
     * @return the key with its secret, which is not kept anywhere and cannot be shown again
     * @throws LedgerException {@code invalid_request} on {@code role}, {@code agent} (missing for an agent key,
     *                         given for another role, or an agent of another team) or {@code name};
     *                         {@code not_found} on {@code team}, or on {@code agent} for an unknown agent id
     */
    public IssuedKey createKey(String teamRef, Role role, String agentName, String label) {
        if (role == null) {
            throw LedgerException.invalid("role", "is required: agent, admin or viewer");
        }
        String name = Inputs.label("name", label);
        String agentRef = null;
        if (role == Role.AGENT) {
            agentRef = Inputs.agentName("agent", agentName);
        } else if (agentName != null && !agentName.isBlank()) {
            throw LedgerException.invalid("agent", "only agent keys name an agent; an " + role.wireName()
                    + " key acts for its whole team");
        }
        String secret = ApiKeyFormat.generate(random);
        String agent = agentRef;
        ApiKey key = store.write(w -> {
            Instant now = clock.instant();
            Team team = findTeam(w, teamRef);
            Long agentId = agent == null ? null : agentIn(w, agent, team, now).id();
            return w.insertApiKey(ApiKeyFormat.hash(secret), ApiKeyFormat.prefix(secret), name, role, team.id(),
                    agentId, now);
        });
        return new IssuedKey(key, secret);
    }

    /**
     * A team's keys, newest first, revoked ones included; a read transaction.
     *
     * @throws LedgerException {@code not_found} on {@code team}
     */
    public List<ApiKey> keys(long teamId) {
        return store.read(r -> {
            findTeam(r, Long.toString(teamId));
            return r.apiKeys(teamId);
        });
    }

    /**
     * Revokes a key of the team at once: the next {@link #authenticate} with it fails. Revoking twice returns
     * the same. One write transaction.
     *
     * @throws LedgerException {@code not_found} on {@code key_id} when the team has no such key
     */
    public ApiKey revokeKey(long keyId, long teamId) {
        ApiKey revoked = store.write(w -> {
            ApiKey key = w.apiKey(keyId).filter(k -> k.teamId() == teamId).orElseThrow(() ->
                    LedgerException.notFound("key_id", "key " + keyId + " does not exist in this team"));
            if (key.revokedAt() != null) {
                return key;
            }
            w.revokeApiKey(keyId, clock.instant());
            return w.apiKey(keyId).orElseThrow();
        });
        if (recent != null) {
            recent.forgetAll();
        }
        lastTouched.remove(keyId);
        return revoked;
    }

    /**
     * The principal of a presented key, if it is well formed, known and not revoked; notes its use. A key with a
     * wrong checksum is refused without a lookup. One read transaction (none for a key looked up in the last
     * second, when made with the ledger's events); at most once a minute per key its
     * {@code last_used_at} is also written, behind this call (never waited for: a write that fails, e.g. while
     * another process holds the write lock, is dropped and made again at the key's next use).
     *
     * @param presentedKey what the caller sent, or null
     * @throws LedgerException {@code storage_unavailable} when the key cannot be looked up
     */
    public Optional<Principal> authenticate(String presentedKey) {
        if (!ApiKeyFormat.isWellFormed(presentedKey)) {
            return Optional.empty();
        }
        String hash = ApiKeyFormat.hash(presentedKey);
        Optional<ApiKey> found = recent == null ? Optional.empty() : recent.fresh(hash);
        if (found.isEmpty()) {
            long generation = recent == null ? 0 : recent.generation();
            found = store.read(r -> r.apiKeyByHash(hash));
            if (recent != null && found.isPresent()) {
                recent.remember(hash, found.get(), generation);
            }
        }
        if (found.isEmpty() || found.get().revokedAt() != null) {
            return Optional.empty();
        }
        ApiKey key = found.get();
        noteUse(key);
        return Optional.of(new Principal(key.role(), key.teamId(), key.agentId(), "key:" + key.id()));
    }

    private void noteUse(ApiKey key) {
        Instant now = clock.instant();
        if (!due(key.lastUsedAt(), now)) {
            return;
        }
        boolean[] claimed = new boolean[1];
        lastTouched.compute(key.id(), (id, last) -> {
            if (!due(last, now)) {
                return last;
            }
            claimed[0] = true;
            return now;
        });
        if (claimed[0]) {
            touches.touch(key.id(), now);
        }
    }

    private static boolean due(Instant last, Instant now) {
        return last == null || !now.isBefore(last.plus(TOUCH_INTERVAL));
    }

    /**
     * Registers a person who logs in with email and password. The password is hashed (slowly) before the write
     * transaction, and {@code password} is overwritten with zeros before this returns.
     *
     * @param email   trimmed and lower-cased; at most 254 characters
     * @param role    {@link Role#ADMIN} or {@link Role#VIEWER}
     * @param teamRef the team's id (digits) or name; null for the {@code default} team
     * @throws LedgerException {@code invalid_request} on {@code email}, {@code role} or {@code password} (fewer
     *                         than 12 characters); {@code not_found} on {@code team}; {@code conflict} on
     *                         {@code email} when it is registered already
     */
    public User addUser(String email, Role role, String teamRef, char[] password) {
        try {
            String address = Inputs.email("email", email);
            if (role != Role.ADMIN && role != Role.VIEWER) {
                throw LedgerException.invalid("role", "must be admin or viewer (agents use API keys)");
            }
            if (password == null || password.length < Passwords.MIN_LENGTH) {
                throw LedgerException.invalid("password", "must be at least " + Passwords.MIN_LENGTH + " characters");
            }
            if (password.length > Passwords.MAX_LENGTH) {
                throw LedgerException.invalid("password", "must be at most " + Passwords.MAX_LENGTH + " characters");
            }
            String hash = passwords.hash(password);
            return store.write(w -> {
                Team team = findTeam(w, teamRef);
                if (w.userByEmail(address).isPresent()) {
                    throw new LedgerException(ErrorCode.CONFLICT, "email: '" + address + "' is registered already",
                            Map.of("field", "email"), null);
                }
                return w.insertUser(address, hash, role, team.id(), clock.instant());
            });
        } finally {
            clear(password);
        }
    }

    /**
     * The principal of a person whose password matches, else empty (same time either way: an unknown email
     * still costs one password hash). One read transaction; {@code password} is overwritten with zeros before
     * this returns.
     *
     * @throws LedgerException {@code storage_unavailable} when the store cannot answer
     */
    public Optional<Principal> login(String email, char[] password) {
        try {
            if (password == null || password.length == 0 || password.length > Passwords.MAX_LENGTH) {
                return Optional.empty();
            }
            String address = Inputs.normalEmail(email);
            Optional<UserCredential> found = address == null ? Optional.empty()
                    : store.read(r -> r.userByEmail(address));
            if (found.isEmpty()) {
                passwords.burn(password);
                return Optional.empty();
            }
            if (!passwords.verify(password, found.get().passwordHash())) {
                return Optional.empty();
            }
            User user = found.get().user();
            return Optional.of(new Principal(user.role(), user.teamId(), null, "user:" + user.email()));
        } finally {
            clear(password);
        }
    }

    /**
     * The HS256 secret for access tokens: at least 32 random bytes, made once and kept in the store. The first
     * call of a process reads it (and creates it in a write transaction if no process has yet); later calls
     * answer from memory. Returns a copy.
     */
    public byte[] tokenSecret() {
        byte[] secret = tokenSecret;
        if (secret == null) {
            secret = store.read(r -> r.secret(TOKEN_SECRET)).orElseGet(() -> {
                byte[] fresh = new byte[TOKEN_SECRET_BYTES];
                random.nextBytes(fresh);
                return store.write(w -> {
                    w.insertSecretIfAbsent(TOKEN_SECRET, fresh, clock.instant());
                    return w.secret(TOKEN_SECRET).orElseThrow();
                });
            });
            if (secret.length < TOKEN_SECRET_BYTES) {
                throw new IllegalStateException("the stored token secret is shorter than " + TOKEN_SECRET_BYTES
                        + " bytes");
            }
            tokenSecret = secret;
        }
        return secret.clone();
    }

    /**
     * For {@code entourage init}: a first admin key of the default team (labelled "first admin key"), unless
     * the team has a working admin key already. One write transaction, so two inits at once make one key.
     */
    public Optional<IssuedKey> firstAdminKey() {
        String secret = ApiKeyFormat.generate(random);
        Optional<ApiKey> created = store.write(w -> {
            Instant now = clock.instant();
            Team team = w.teamByName(Team.DEFAULT_NAME).orElseGet(() -> w.insertTeam(Team.DEFAULT_NAME, now));
            boolean hasAdmin = w.apiKeys(team.id()).stream()
                    .anyMatch(k -> k.role() == Role.ADMIN && k.revokedAt() == null);
            if (hasAdmin) {
                return Optional.<ApiKey>empty();
            }
            return Optional.of(w.insertApiKey(ApiKeyFormat.hash(secret), ApiKeyFormat.prefix(secret),
                    FIRST_ADMIN_LABEL, Role.ADMIN, team.id(), null, now));
        });
        return created.map(key -> new IssuedKey(key, secret));
    }

    private Agent agentIn(LedgerWriter w, String ref, Team team, Instant now) {
        Agent agent;
        if (Inputs.isId(ref)) {
            agent = w.agent(Long.parseLong(ref))
                    .orElseThrow(() -> LedgerException.notFound("agent", "agent " + ref + " does not exist"));
        } else {
            agent = w.agentByName(ref).orElseGet(() -> {
                Agent created = w.insertAgent(ref, team.id(), now);
                if (!team.agentDefaults().limits()) {
                    return created;
                }
                Agent limited = team.agentDefaults().applyTo(created);
                w.updateAgent(limited);
                return limited;
            });
        }
        if (agent.teamId() != team.id()) {
            throw LedgerException.invalid("agent", "agent '" + agent.name() + "' belongs to another team; "
                    + "create its key in that team");
        }
        return agent;
    }

    private static Team findTeam(LedgerReader r, String ref) {
        String teamRef = ref == null ? Team.DEFAULT_NAME : ref;
        return (Inputs.isId(teamRef) ? r.team(Long.parseLong(teamRef)) : r.teamByName(teamRef))
                .orElseThrow(() -> LedgerException.notFound("team", "team '" + teamRef + "' does not exist; create it "
                        + "with `entourage teams set NAME`"));
    }

    private static void clear(char[] password) {
        if (password != null) {
            Arrays.fill(password, '\0');
        }
    }

    Clock clock() {
        return clock;
    }

    LedgerStore store() {
        return store;
    }
}
