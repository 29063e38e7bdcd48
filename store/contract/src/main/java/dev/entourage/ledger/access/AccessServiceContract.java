package dev.entourage.ledger.access;

import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Actor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.entourage.ledger.Agent;
import dev.entourage.ledger.AgentSettings;
import dev.entourage.ledger.Change;
import dev.entourage.ledger.ErrorCode;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerReader;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.LedgerStore;
import dev.entourage.ledger.LedgerWriter;
import dev.entourage.ledger.MutableClock;
import dev.entourage.ledger.StorageUnavailableException;
import dev.entourage.ledger.Team;
import dev.entourage.ledger.TeamSettings;
import dev.entourage.ledger.events.LedgerEvent;
import dev.entourage.ledger.testing.StoreContract;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link AccessService} over a real store: keys, people, the token secret and the first admin key. */
public abstract class AccessServiceContract extends StoreContract {
    private static final Instant START = Instant.parse("2026-11-28T10:00:00Z");
    private static final String PASSWORD = "correct horse battery";

    private MutableClock clock;
    private CountingStore store;
    private LedgerServices ledger;
    private AccessService access;
    private Team defaultTeam;

    protected AccessServiceContract() {
        super(START);
    }

    @BeforeEach
    void open() {
        clock = fixture.clock();
        openStore();
        defaultTeam = ledger.settings().ensureDefaultTeam();
    }

    private void openStore() {
        store = new CountingStore(fixture.store());
        ledger = fixture.services();
        access = new AccessService(store, clock, ledger.events());
    }

    private void reopen() {
        fixture.reopen();
        openStore();
    }

    private Team team(String name) {
        return ledger.settings().setTeam(Actor.local(), name, new TeamSettings(Change.keep(), Change.keep(), Change.keep(), Change.keep()));
    }

    private static LedgerException refused(Runnable call) {
        LedgerException e = catchThrowableOfType(LedgerException.class, call::run);
        assertThat(e).as("expected a LedgerException").isNotNull();
        return e;
    }

    private static char[] password() {
        return PASSWORD.toCharArray();
    }

    /** Every text cell of every table, read past the store. */
    private List<String> everyCell() {
        return fixture.everyCell();
    }

    private String cell(String sql) {
        return fixture.cell(sql);
    }

    // ---------------------------------------------------------------- keys

    @Test
    void aNewKeyIsStoredOnlyAsItsHashAndAPrefix() throws Exception {
        IssuedKey issued = access.createKey("default", Role.ADMIN, null, "ci");

        String secret = issued.secret();
        assertThat(ApiKeyFormat.isWellFormed(secret)).isTrue();
        assertThat(issued.key().prefix()).isEqualTo(secret.substring(0, 9));
        assertThat(issued.toString()).doesNotContain(secret);
        String hidden = secret.substring(9);
        assertThat(everyCell()).isNotEmpty().allSatisfy(c -> assertThat(c).doesNotContain(hidden));
        assertThat(cell("SELECT key_hash FROM api_keys")).isEqualTo(ApiKeyFormat.hash(secret));
        assertThat(cell("SELECT prefix FROM api_keys")).isEqualTo(issued.key().prefix());
    }

    @Test
    void aWorkingKeyAuthenticatesAsItsRoleAndTeam() {
        Team platform = team("platform");
        IssuedKey admin = access.createKey("platform", Role.ADMIN, null, null);
        IssuedKey viewer = access.createKey(Long.toString(platform.id()), Role.VIEWER, "  ", "dashboard");

        Principal principal = access.authenticate(admin.secret()).orElseThrow();
        assertThat(principal).isEqualTo(new Principal(Role.ADMIN, platform.id(), null, "key:" + admin.key().id()));
        assertThat(principal.isAdmin()).isTrue();
        assertThat(access.authenticate(viewer.secret()).orElseThrow().role()).isEqualTo(Role.VIEWER);
        assertThat(viewer.key().name()).isEqualTo("dashboard");
        assertThat(viewer.key().teamId()).isEqualTo(platform.id());
    }

    @Test
    void unknownAndMalformedKeysAreRefusedAndMalformedOnesWithoutALookup() {
        access.createKey(null, Role.ADMIN, null, null);
        String unknown = ApiKeyFormat.generate(new java.security.SecureRandom());
        String real = access.createKey(null, Role.ADMIN, null, null).secret();
        String typo = real.substring(0, 12) + (real.charAt(12) == 'a' ? 'b' : 'a') + real.substring(13);

        assertThat(access.authenticate(unknown)).isEmpty();
        int reads = store.reads.get();
        assertThat(access.authenticate(typo)).isEmpty();
        assertThat(access.authenticate("oc_short")).isEmpty();
        assertThat(access.authenticate("")).isEmpty();
        assertThat(access.authenticate(null)).isEmpty();
        assertThat(access.authenticate("Bearer " + real)).isEmpty();
        assertThat(store.reads.get()).as("no lookups for malformed keys").isEqualTo(reads);
        assertThat(access.authenticate(real)).isPresent();
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceAndRevokingAgainChangesNothing() throws Exception {
        IssuedKey key = access.createKey(null, Role.ADMIN, null, null);
        int writes = store.writes.get();
        assertThat(access.authenticate(key.secret())).isPresent();
        awaitWrites(writes + 1);

        clock.advance(Duration.ofSeconds(5));
        ApiKey revoked = access.revokeKey(key.key().id(), defaultTeam.id());
        clock.advance(Duration.ofSeconds(5));
        ApiKey again = access.revokeKey(key.key().id(), defaultTeam.id());

        assertThat(access.authenticate(key.secret())).isEmpty();
        assertThat(revoked.revokedAt()).isEqualTo(START.plusSeconds(5));
        assertThat(again).isEqualTo(revoked);
        assertThat(access.keys(defaultTeam.id())).extracting(ApiKey::revokedAt).containsExactly(START.plusSeconds(5));
    }

    @Test
    void aKeyCanOnlyBeRevokedInItsOwnTeam() {
        Team other = team("other");
        IssuedKey key = access.createKey(null, Role.ADMIN, null, null);

        LedgerException e = refused(() -> access.revokeKey(key.key().id(), other.id()));
        LedgerException missing = refused(() -> access.revokeKey(999, defaultTeam.id()));

        assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(e.details()).containsEntry("field", "key_id");
        assertThat(missing.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(access.authenticate(key.secret())).isPresent();
    }

    @Test
    void lastUsedAtIsWrittenOnFirstUseThenAtMostOnceAMinute() throws Exception {
        IssuedKey key = access.createKey(null, Role.ADMIN, null, null);
        assertThat(key.key().lastUsedAt()).isNull();
        int writes = store.writes.get();

        access.authenticate(key.secret());
        awaitWrites(writes + 1);
        assertThat(cell("SELECT last_used_at FROM api_keys")).isEqualTo(Long.toString(START.toEpochMilli()));

        for (int i = 0; i < 59; i++) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(access.authenticate(key.secret())).isPresent();
        }
        assertThat(store.writes.get()).as("no write within the minute").isEqualTo(writes + 1);
        assertThat(cell("SELECT last_used_at FROM api_keys")).isEqualTo(Long.toString(START.toEpochMilli()));

        clock.advance(Duration.ofSeconds(1));
        access.authenticate(key.secret());
        awaitWrites(writes + 2);
        assertThat(access.keys(defaultTeam.id()).get(0).lastUsedAt()).isEqualTo(START.plusSeconds(60));
    }

    @Test
    void aTouchThatCannotBeWrittenDoesNotRefuseTheKeyAndIsTriedAgain() throws Exception {
        IssuedKey key = access.createKey(null, Role.ADMIN, null, null);
        store.refuseWrites = true;
        int writes = store.writes.get();

        assertThat(access.authenticate(key.secret())).as("a key is not refused for its touch").isPresent();
        awaitWrites(writes + 1);
        assertThat(cell("SELECT last_used_at FROM api_keys")).isNull();
        store.refuseWrites = false;

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (cell("SELECT last_used_at FROM api_keys") == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(cell("SELECT last_used_at FROM api_keys")).as("written by a retry, without another use")
                .isEqualTo(Long.toString(START.toEpochMilli()));
    }

    /** Waits (at most 30 s) until the store has been asked for {@code count} writes; touches are written behind. */
    private void awaitWrites(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (store.writes.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(store.writes.get()).as("writes asked of the store").isEqualTo(count);
    }

    @Test
    void aRestartedProcessDoesNotRewriteARecentLastUsedAt() throws Exception {
        IssuedKey key = access.createKey(null, Role.ADMIN, null, null);
        int first = store.writes.get();
        access.authenticate(key.secret());
        awaitWrites(first + 1);
        reopen();
        clock.advance(Duration.ofSeconds(30));
        int writes = store.writes.get();

        assertThat(access.authenticate(key.secret())).isPresent();

        assertThat(store.writes.get()).isEqualTo(writes);
    }

    @Test
    void anAgentKeyBindsItsAgentAndCreatesItInTheTeamWhenNew() {
        Team platform = team("platform");
        IssuedKey key = access.createKey("platform", Role.AGENT, "eng-1", "eng-1's sidecar");

        Agent agent = ledger.settings().agent(Actor.local(), Ref.parse("eng-1"));
        assertThat(agent.teamId()).isEqualTo(platform.id());
        assertThat(key.key().agentId()).isEqualTo(agent.id());
        assertThat(key.key().role()).isEqualTo(Role.AGENT);
        assertThat(access.authenticate(key.secret()).orElseThrow())
                .isEqualTo(new Principal(Role.AGENT, platform.id(), agent.id(), "key:" + key.key().id()));

        IssuedKey second = access.createKey("platform", Role.AGENT, Long.toString(agent.id()), null);
        assertThat(second.key().agentId()).isEqualTo(agent.id());
    }

    @Test
    void anAgentKeyForAnAgentOfAnotherTeamIsRefused() {
        team("platform");
        ledger.settings().setAgent(Actor.local(), "eng-1", Ref.parse("platform"), new AgentSettings(Change.keep(), Change.keep()));

        LedgerException e = refused(() -> access.createKey("default", Role.AGENT, "eng-1", null));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.details()).containsEntry("field", "agent");
        assertThat(access.keys(defaultTeam.id())).isEmpty();
    }

    @Test
    void roleAndAgentMustAgree() {
        LedgerException adminWithAgent = refused(() -> access.createKey(null, Role.ADMIN, "eng-1", null));
        LedgerException viewerWithAgent = refused(() -> access.createKey(null, Role.VIEWER, "eng-1", null));
        LedgerException agentWithout = refused(() -> access.createKey(null, Role.AGENT, null, null));
        LedgerException noRole = refused(() -> access.createKey(null, null, null, null));
        LedgerException badName = refused(() -> access.createKey(null, Role.AGENT, "eng 1", null));
        LedgerException longLabel = refused(() -> access.createKey(null, Role.ADMIN, null, "x".repeat(101)));
        LedgerException noTeam = refused(() -> access.createKey("nope", Role.ADMIN, null, null));

        assertThat(List.of(adminWithAgent, viewerWithAgent, agentWithout, badName))
                .allSatisfy(e -> assertThat(e.details()).containsEntry("field", "agent"));
        assertThat(List.of(adminWithAgent, viewerWithAgent, agentWithout, noRole, badName, longLabel))
                .allSatisfy(e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
        assertThat(noRole.details()).containsEntry("field", "role");
        assertThat(longLabel.details()).containsEntry("field", "name");
        assertThat(noTeam.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(access.keys(defaultTeam.id())).isEmpty();
        assertThat(catchThrowableOfType(LedgerException.class, () -> ledger.settings().agent(Actor.local(), Ref.parse("eng-1"))).code())
                .as("no agent was created").isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void keysAreListedNewestFirstPerTeam() {
        team("platform");
        IssuedKey first = access.createKey(null, Role.ADMIN, null, "first");
        clock.advance(Duration.ofSeconds(1));
        IssuedKey second = access.createKey(null, Role.VIEWER, null, "second");
        access.createKey("platform", Role.ADMIN, null, "elsewhere");
        access.revokeKey(first.key().id(), defaultTeam.id());

        List<ApiKey> keys = access.keys(defaultTeam.id());

        assertThat(keys).extracting(ApiKey::name).containsExactly("second", "first");
        assertThat(keys.get(0)).isEqualTo(second.key());
        assertThat(keys.get(1).revokedAt()).isNotNull();
        assertThat(refused(() -> access.keys(999)).code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    // ---------------------------------------------------------------- users

    @Test
    void aPersonIsAddedWithALowerCasedEmailAndAPbkdf2HashOnly() throws Exception {
        char[] password = password();
        User user = access.addUser("  Alice@Example.com ", Role.ADMIN, null, password);

        assertThat(user.email()).isEqualTo("alice@example.com");
        assertThat(user.role()).isEqualTo(Role.ADMIN);
        assertThat(user.teamId()).isEqualTo(defaultTeam.id());
        assertThat(user.createdAt()).isEqualTo(START);
        assertThat(password).as("cleared after use").containsOnly('\0');
        assertThat(cell("SELECT password_hash FROM users"))
                .matches("pbkdf2-sha256\\$210000\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(everyCell()).allSatisfy(c -> assertThat(c).doesNotContain(PASSWORD));
    }

    @Test
    void aWeakPasswordIsRefusedAndNothingIsWritten() throws Exception {
        char[] weak = "short-pass1".toCharArray();
        LedgerException e = refused(() -> access.addUser("bob@example.com", Role.VIEWER, null, weak));
        LedgerException none = refused(() -> access.addUser("bob@example.com", Role.VIEWER, null, null));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(e.details()).containsEntry("field", "password");
        assertThat(e.getMessage()).doesNotContain("short-pass1");
        assertThat(none.details()).containsEntry("field", "password");
        assertThat(weak).containsOnly('\0');
        assertThat(cell("SELECT COUNT(*) FROM users")).isEqualTo("0");
    }

    @Test
    void badEmailsRolesAndTeamsAreRefusedNamingTheField() {
        for (String email : List.of("", "alice", "@example.com", "alice@", "a@b@c", "al ice@example.com",
                "a@" + "x".repeat(253))) {
            LedgerException e = refused(() -> access.addUser(email, Role.VIEWER, null, password()));
            assertThat(e.details()).as(email).containsEntry("field", "email");
        }
        assertThat(refused(() -> access.addUser("a@example.com", Role.AGENT, null, password())).details())
                .containsEntry("field", "role");
        assertThat(refused(() -> access.addUser("a@example.com", null, null, password())).details())
                .containsEntry("field", "role");
        assertThat(refused(() -> access.addUser("a@example.com", Role.ADMIN, "nope", password())).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void anEmailRegisteredAlreadyIsAConflictWhateverItsCase() {
        access.addUser("alice@example.com", Role.ADMIN, null, password());

        LedgerException e = refused(() -> access.addUser("ALICE@example.com", Role.VIEWER, null, password()));

        assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(e.details()).containsEntry("field", "email");
    }

    @Test
    void loginAnswersThePrincipalOnlyForTheRightPassword() {
        team("platform");
        access.addUser("alice@example.com", Role.VIEWER, "platform", password());
        long platformId = ledger.settings().team(Actor.local(), Ref.parse("platform")).id();

        char[] right = password();
        assertThat(access.login("Alice@Example.com", right))
                .contains(new Principal(Role.VIEWER, platformId, null, "user:alice@example.com"));
        assertThat(right).containsOnly('\0');
        char[] wrong = "correct horse batterY".toCharArray();
        assertThat(access.login("alice@example.com", wrong)).isEmpty();
        assertThat(wrong).containsOnly('\0');
        assertThat(access.login("nobody@example.com", password())).isEmpty();
        assertThat(access.login("not an email", password())).isEmpty();
        assertThat(access.login("alice@example.com", new char[0])).isEmpty();
        assertThat(access.login(null, null)).isEmpty();
    }

    @Test
    void anUnknownEmailTakesAboutAsLongAsAWrongPassword() {
        access.addUser("alice@example.com", Role.ADMIN, null, password());
        access.login("nobody@example.com", password());
        access.login("alice@example.com", "wrong password!".toCharArray());

        long unknown = Long.MAX_VALUE;
        long wrong = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            access.login("nobody@example.com", password());
            long t1 = System.nanoTime();
            access.login("alice@example.com", "wrong password!".toCharArray());
            long t2 = System.nanoTime();
            unknown = Math.min(unknown, t1 - t0);
            wrong = Math.min(wrong, t2 - t1);
        }
        assertThat((double) unknown).isGreaterThan(wrong * 0.5);
    }

    // ---------------------------------------------------------------- token secret, first admin key

    @Test
    void theTokenSecretIsAtLeast32RandomBytesAndStaysTheSameAcrossRestarts() {
        byte[] first = access.tokenSecret();
        int reads = store.reads.get();
        byte[] cached = access.tokenSecret();
        assertThat(store.reads.get()).as("answered from memory").isEqualTo(reads);
        Arrays.fill(cached, (byte) 0);
        reopen();
        byte[] afterRestart = access.tokenSecret();

        assertThat(first).hasSizeGreaterThanOrEqualTo(32).isEqualTo(afterRestart);
        assertThat(first).isNotEqualTo(new byte[first.length]);
        assertThat(new AccessService(fixture.store(), clock).tokenSecret()).isEqualTo(first);
    }

    @Test
    void theFirstAdminKeyIsMadeOnceAndAgainOnlyWhenNoAdminKeyWorks() {
        IssuedKey first = access.firstAdminKey().orElseThrow();

        assertThat(first.key().role()).isEqualTo(Role.ADMIN);
        assertThat(first.key().name()).isEqualTo("first admin key");
        assertThat(first.key().teamId()).isEqualTo(defaultTeam.id());
        assertThat(access.authenticate(first.secret()).orElseThrow().isAdmin()).isTrue();
        assertThat(access.firstAdminKey()).isEmpty();
        reopen();
        assertThat(access.firstAdminKey()).isEmpty();
        assertThat(access.keys(defaultTeam.id())).hasSize(1);

        access.revokeKey(first.key().id(), defaultTeam.id());
        IssuedKey replacement = access.firstAdminKey().orElseThrow();
        assertThat(replacement.secret()).isNotEqualTo(first.secret());
    }

    @Test
    void aKeyInUseIsLookedUpOnceASecond() {
        IssuedKey key = access.createKey(null, Role.AGENT, "eng-1", null);
        int reads = store.reads.get();

        for (int i = 0; i < 5; i++) {
            assertThat(access.authenticate(key.secret())).isPresent();
        }
        assertThat(store.reads.get()).as("one lookup for five uses within a second").isEqualTo(reads + 1);
        clock.advance(RecentKeys.FRESH_FOR);
        assertThat(access.authenticate(key.secret())).isPresent();
        assertThat(store.reads.get()).as("looked up again a second later").isEqualTo(reads + 2);
    }

    @Test
    void aKeyRevokedHereOrWhoseAgentMovedStopsAtOnceThoughItWasLookedUpJustNow() {
        IssuedKey admin = access.createKey(null, Role.ADMIN, null, null);
        IssuedKey agent = access.createKey(null, Role.AGENT, "eng-1", null);
        assertThat(access.authenticate(admin.secret())).isPresent();
        assertThat(access.authenticate(agent.secret())).isPresent();

        access.revokeKey(admin.key().id(), defaultTeam.id());
        ledger.settings().setAgent(Actor.local(), "eng-1", Ref.id(team("platform").id()), AgentSettings.none());

        assertThat(access.authenticate(admin.secret())).as("revoked through this service").isEmpty();
        assertThat(access.authenticate(agent.secret())).as("its agent moved team").isEmpty();
    }

    @Test
    void aKeyRevokedByAnotherProcessStopsWithinASecondOrAtOnceWhenItsWriteIsNoticed() {
        IssuedKey first = access.createKey(null, Role.ADMIN, null, null);
        IssuedKey second = access.createKey(null, Role.ADMIN, null, null);
        assertThat(access.authenticate(first.secret())).isPresent();
        assertThat(access.authenticate(second.secret())).isPresent();
        AccessService elsewhere = new AccessService(fixture.store(), clock);

        elsewhere.revokeKey(first.key().id(), defaultTeam.id());
        assertThat(access.authenticate(first.secret())).as("trusted for up to a second").isPresent();
        clock.advance(RecentKeys.FRESH_FOR);
        assertThat(access.authenticate(first.secret())).as("a second later").isEmpty();

        assertThat(access.authenticate(second.secret())).isPresent();
        elsewhere.revokeKey(second.key().id(), defaultTeam.id());
        ledger.events().publish(new LedgerEvent.ExternalChange());
        assertThat(access.authenticate(second.secret())).as("another process's write was noticed").isEmpty();
    }

    /** The real store, counting transactions. */
    private static final class CountingStore implements LedgerStore {
        private final LedgerStore delegate;
        final AtomicInteger reads = new AtomicInteger();

        CountingStore(LedgerStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public <T> T read(Function<LedgerReader, T> work) {
            reads.incrementAndGet();
            return delegate.read(work);
        }

        /** Writes finished (committed or failed). */
        final AtomicInteger writes = new AtomicInteger();
        /** Whether writes fail as a busy store's would, without reaching the store. */
        volatile boolean refuseWrites;

        @Override
        public <T> T write(Function<LedgerWriter, T> work) {
            return counted(() -> delegate.write(work));
        }

        @Override
        public <T> T writeUnlessBusy(Function<LedgerWriter, T> work) {
            return counted(() -> delegate.writeUnlessBusy(work));
        }

        private <T> T counted(Supplier<T> write) {
            try {
                if (refuseWrites) {
                    throw new StorageUnavailableException("busy (test)", null);
                }
                return write.get();
            } finally {
                writes.incrementAndGet();
            }
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
