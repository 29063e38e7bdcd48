package dev.entourage.ledger;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where each team's upstream API keys are read from: the path of a file per provider, never the key itself (the
 * ledger holds no provider secret; the gateway reads the file when it forwards a call). Only admins set or read the
 * paths.
 */
public final class UpstreamKeys {
    private final LedgerContext ctx;

    UpstreamKeys(LedgerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Stores {@code path} (made absolute) as the team's key file for {@code provider}; null removes it.
     *
     * @throws LedgerException {@code invalid_request} naming {@code field} when the file does not exist, is not a
     *                         regular file or cannot be read; {@code not_found} for an unknown team
     */
    public Optional<String> set(Actor actor, Ref team, UpstreamProvider provider, String path, String field) {
        actor.mayAdminister();
        Objects.requireNonNull(provider, "provider");
        String stored = path == null ? null : checked(path, field);
        return ctx.store.write(w -> {
            Team found = LedgerContext.team(w, actor, team);
            w.setTeamKeyFile(found.id(), provider.wireName(), stored);
            return Optional.ofNullable(stored);
        });
    }

    /** The team's key file for {@code provider}, for an admin. */
    public Optional<String> path(Actor actor, Ref team, UpstreamProvider provider) {
        actor.mayAdminister();
        return ctx.store.read(r -> r.teamKeyFile(LedgerContext.team(r, actor, team).id(), provider.wireName()));
    }

    /** The key file the gateway reads for team {@code teamId}'s calls to {@code provider}, if one is set. */
    public Optional<String> pathForGateway(long teamId, UpstreamProvider provider) {
        return ctx.store.read(r -> r.teamKeyFile(teamId, provider.wireName()));
    }

    /**
     * {@code path} made absolute, when it names a readable regular file.
     *
     * @throws LedgerException {@code invalid_request} naming {@code field} otherwise
     */
    public static String checked(String path, String field) {
        Path file;
        try {
            file = Path.of(Text.required(field, path, 4096)).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw LedgerException.invalid(field, "is not a valid path");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw LedgerException.invalid(field, "must name a readable file (" + file + ")");
        }
        return file.toString();
    }
}
