package dev.entourage.store;

import dev.entourage.ledger.access.ApiKey;
import dev.entourage.ledger.access.Role;
import dev.entourage.ledger.access.User;
import dev.entourage.ledger.access.UserCredential;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * The access tables ({@code api_keys}, {@code users}, {@code secrets}, see {@code V2__access.sql}) over one
 * Jdbi handle; {@link JdbiLedgerAccess} delegates to it. Key hashes and password hashes go in and come out of
 * here only as column values, never in messages.
 */
final class JdbiAccessQueries {
    private static final String KEY_COLUMNS = "id, prefix, name, role, team_id, agent_id, created_at, last_used_at, "
            + "revoked_at";

    private final Supplier<Handle> handles;
    private final PreparedCache sql;

    JdbiAccessQueries(Supplier<Handle> handles, PreparedCache sql) {
        this.handles = handles;
        this.sql = sql;
    }

    Optional<ApiKey> apiKey(long id) {
        return handles.get().createQuery("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> apiKey(rs)).findOne();
    }

    Optional<ApiKey> apiKeyByHash(String keyHash) {
        return sql.one("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE key_hash = ?", JdbiAccessQueries::apiKey,
                keyHash);
    }

    List<ApiKey> apiKeys(long teamId) {
        return handles.get()
                .createQuery("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE team_id = :team_id ORDER BY id DESC")
                .bind("team_id", teamId)
                .map((rs, ctx) -> apiKey(rs)).list();
    }

    ApiKey insertApiKey(String keyHash, String prefix, String name, Role role, long teamId, Long agentId,
                        Instant createdAt) {
        long id = handles.get()
                .createQuery("INSERT INTO api_keys (key_hash, prefix, name, role, team_id, agent_id, created_at) "
                        + "VALUES (:hash, :prefix, :name, :role, :team_id, :agent_id, :created_at) RETURNING id")
                .bind("hash", keyHash).bind("prefix", prefix).bind("name", name).bind("role", role.wireName())
                .bind("team_id", teamId).bind("agent_id", agentId).bind("created_at", createdAt.toEpochMilli())
                .mapTo(Long.class).one();
        return apiKey(id).orElseThrow();
    }

    void revokeApiKey(long id, Instant revokedAt) {
        handles.get().createUpdate("UPDATE api_keys SET revoked_at = :at WHERE id = :id AND revoked_at IS NULL")
                .bind("at", revokedAt.toEpochMilli()).bind("id", id)
                .execute();
    }

    boolean touchApiKey(long id, Instant usedAt) {
        return handles.get().createUpdate("UPDATE api_keys SET last_used_at = :at "
                        + "WHERE id = :id AND (last_used_at IS NULL OR last_used_at < :at)")
                .bind("at", usedAt.toEpochMilli()).bind("id", id)
                .execute() > 0;
    }

    private static ApiKey apiKey(ResultSet rs) throws SQLException {
        Long agentId = nullableLong(rs, "agent_id");
        return new ApiKey(rs.getLong("id"), rs.getString("prefix"), rs.getString("name"), role(rs.getString("role")),
                rs.getLong("team_id"), agentId, Instant.ofEpochMilli(rs.getLong("created_at")),
                nullableInstant(rs, "last_used_at"), nullableInstant(rs, "revoked_at"));
    }

    Optional<UserCredential> userByEmail(String email) {
        return handles.get().createQuery("SELECT id, email, role, team_id, created_at, password_hash FROM users "
                        + "WHERE email = :email")
                .bind("email", email)
                .map((rs, ctx) -> new UserCredential(user(rs), rs.getString("password_hash"))).findOne();
    }

    User insertUser(String email, String passwordHash, Role role, long teamId, Instant createdAt) {
        long id = handles.get().createQuery("INSERT INTO users (email, password_hash, role, team_id, created_at) "
                        + "VALUES (:email, :hash, :role, :team_id, :created_at) RETURNING id")
                .bind("email", email).bind("hash", passwordHash).bind("role", role.wireName())
                .bind("team_id", teamId).bind("created_at", createdAt.toEpochMilli())
                .mapTo(Long.class).one();
        return new User(id, email, role, teamId, Instant.ofEpochMilli(createdAt.toEpochMilli()));
    }

    private static User user(ResultSet rs) throws SQLException {
        return new User(rs.getLong("id"), rs.getString("email"), role(rs.getString("role")), rs.getLong("team_id"),
                Instant.ofEpochMilli(rs.getLong("created_at")));
    }

    Optional<byte[]> secret(String name) {
        return handles.get().createQuery("SELECT value FROM secrets WHERE name = :name").bind("name", name)
                .map((rs, ctx) -> Base64.getDecoder().decode(rs.getString("value"))).findOne();
    }

    void insertSecretIfAbsent(String name, byte[] value, Instant createdAt) {
        handles.get().createUpdate("INSERT INTO secrets (name, value, created_at) VALUES (:name, :value, :created_at) "
                        + "ON CONFLICT (name) DO NOTHING")
                .bind("name", name).bind("value", Base64.getEncoder().encodeToString(value))
                .bind("created_at", createdAt.toEpochMilli())
                .execute();
    }

    private static Role role(String wire) {
        return Role.valueOf(wire.toUpperCase(Locale.ROOT));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Instant nullableInstant(ResultSet rs, String column) throws SQLException {
        Long millis = nullableLong(rs, column);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }
}
