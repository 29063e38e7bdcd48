package dev.entourage.ledger;

import dev.entourage.ledger.access.ApiKey;
import dev.entourage.ledger.events.LedgerEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Teams, agents and tasks, and the limits they carry. Every change needs an actor that may administer (an admin of
 * the team, or the local owner); the checks of the values live in {@link SettingsChecks}.
 */
public final class SettingsService {
    private static final long NO_TEAM = -1;

    private final LedgerContext ctx;

    SettingsService(LedgerContext ctx) {
        this.ctx = ctx;
    }

    /** Creates the {@code default} team if it does not exist yet; returns it. One write transaction at most. */
    public Team ensureDefaultTeam() {
        return ctx.store.read(r -> r.teamByName(Team.DEFAULT_NAME)).orElseGet(() -> ctx.store.write(w ->
                w.teamByName(Team.DEFAULT_NAME)
                        .orElseGet(() -> w.insertTeam(Team.DEFAULT_NAME, ctx.clock.instant()))));
    }

    public Team team(Actor actor, Ref ref) {
        return ctx.store.read(r -> LedgerContext.team(r, actor, ref));
    }

    /** The teams the actor sees. */
    public List<Team> teams(Actor actor) {
        return ctx.store.read(r -> r.teams().stream().filter(t -> actor.sees(t.id())).toList());
    }

    /**
     * Creates the team if it is new (the local owner only), then applies {@code settings}, in one write transaction.
     *
     * @throws LedgerException {@code invalid_request} for a bad name or a bad value, naming its field
     */
    public Team setTeam(Actor actor, String name, TeamSettings settings) {
        actor.mayAdminister();
        String teamName = Text.name("team", name);
        return save(settings, w -> w.teamByName(teamName).filter(t -> actor.sees(t.id())).orElseGet(() -> {
            if (!(actor instanceof Actor.Local)) {
                throw LedgerContext.noSuchTeam(Ref.name(teamName));
            }
            return w.insertTeam(teamName, ctx.clock.instant());
        }));
    }

    /**
     * Changes an existing team's settings (a PATCH).
     *
     * @throws LedgerException {@code not_found} when the team does not exist or is not the actor's
     */
    public Team updateTeam(Actor actor, Ref ref, TeamSettings settings) {
        actor.mayAdminister();
        return save(settings, w -> LedgerContext.team(w, actor, ref));
    }

    private Team save(TeamSettings settings, Function<LedgerWriter, Team> find) {
        SettingsChecks.Checked checked = SettingsChecks.team(settings);
        Team saved = ctx.store.write(w -> {
            Team team = find.apply(w);
            Team changed = settings.applyTo(team, checked.thresholds(), checked.webhook());
            w.updateTeam(changed);
            if (!changed.zone().equals(team.zone())) {
                Rewindow.recount(w, changed, w.agents(changed.id()), ctx.clock.instant());
            }
            return changed;
        });
        if (settings.paused().present()) {
            ctx.events.publish(new LedgerEvent.TeamPaused(saved.id(), saved.paused()));
        }
        return saved;
    }

    /**
     * The agent called {@code name}, created in team {@code team} (else the default team) with the team's
     * {@link AgentDefaults} if it does not exist yet.
     *
     * @throws LedgerException {@code not_found} when the team does not exist or is not the actor's, or when the
     *                         agent does not exist and the team refuses unknown agents ({@code strict_agents})
     */
    public Agent ensureAgent(Actor actor, String name, Ref team) {
        String agentName = Text.name("agent", name);
        Ref teamRef = team == null ? Ref.name(Team.DEFAULT_NAME) : team;
        return findAgent(actor, agentName)
                .orElseGet(() -> ctx.store.write(w -> existing(w, actor, agentName).orElseGet(() -> {
                    Team target = LedgerContext.team(w, actor, teamRef);
                    if (target.agentDefaults().strict()) {
                        throw LedgerException.notFound("agent", "agent " + Ref.name(agentName).describe()
                                + " does not exist and team '" + target.name() + "' creates no agents on first use "
                                + "(strict_agents); create it with `entourage agents set " + Ref.name(agentName)
                                .describe() + " --team " + target.name() + "` or POST /api/v1/teams/"
                                + target.id() + "/agents");
                    }
                    return insertAgent(w, agentName, target);
                })));
    }

    /**
     * The agent called {@code name} if it exists and {@code actor} acts for it; a read transaction only (what a
     * process may do at start-up while another holds the write lock).
     *
     * @throws LedgerException {@code invalid_request} on {@code agent} when {@code name} is not a valid name
     */
    public Optional<Agent> findAgent(Actor actor, String name) {
        String agentName = Text.name("agent", name);
        return ctx.store.read(r -> r.agentByName(agentName)).filter(actor::actsFor);
    }

    /** Inserts an agent into {@code team} with the team's default limits. */
    private Agent insertAgent(LedgerWriter w, String name, Team team) {
        Agent agent = w.insertAgent(name, team.id(), ctx.clock.instant());
        if (!team.agentDefaults().limits()) {
            return agent;
        }
        Agent limited = team.agentDefaults().applyTo(agent);
        w.updateAgent(limited);
        return limited;
    }

    /** The agent called {@code name} if it exists, as {@code actor} may see it (another team's is not found). */
    private static Optional<Agent> existing(LedgerReader r, Actor actor, String name) {
        return r.agentByName(name).map(a -> LedgerContext.agent(r, actor, Ref.name(name)));
    }

    /**
     * Creates the agent if it is new (in {@code team}, else the default team), moves it when {@code team} names
     * another team, and applies {@code settings}; one write transaction.
     */
    public Agent setAgent(Actor actor, String name, Ref team, AgentSettings settings) {
        actor.mayAdminister();
        String agentName = Text.name("agent", name);
        SettingsChecks.agent(settings);
        long[] keysOf = {NO_TEAM};
        Agent saved = ctx.store.write(w -> {
            Team target = LedgerContext.team(w, actor, team == null ? Ref.name(Team.DEFAULT_NAME) : team);
            Agent agent = existing(w, actor, agentName).orElseGet(() -> insertAgent(w, agentName, target));
            Agent changed = settings.applyTo(agent, team == null ? agent.teamId() : target.id());
            w.updateAgent(changed);
            keysOf[0] = NO_TEAM;
            if (changed.teamId() != agent.teamId() && revokeKeys(w, agent) > 0) {
                keysOf[0] = agent.teamId();
            }
            return changed;
        });
        if (keysOf[0] != NO_TEAM) {
            ctx.events.publish(new LedgerEvent.KeysRevoked(keysOf[0]));
        }
        publishPause(settings, saved);
        return saved;
    }

    /**
     * Changes an existing agent's settings (a PATCH).
     *
     * @throws LedgerException {@code not_found} when the agent does not exist or is another team's
     */
    public Agent updateAgent(Actor actor, Ref ref, AgentSettings settings) {
        actor.mayAdminister();
        SettingsChecks.agent(settings);
        Agent saved = ctx.store.write(w -> {
            Agent agent = LedgerContext.agent(w, actor, ref);
            Agent changed = settings.applyTo(agent, agent.teamId());
            w.updateAgent(changed);
            return changed;
        });
        publishPause(settings, saved);
        return saved;
    }

    /** Revokes the agent keys of an agent that moves to another team: they were its old team's. */
    private int revokeKeys(LedgerWriter w, Agent moved) {
        Instant now = ctx.clock.instant();
        List<ApiKey> keys = w.apiKeys(moved.teamId()).stream()
                .filter(key -> Long.valueOf(moved.id()).equals(key.agentId()) && key.revokedAt() == null)
                .toList();
        keys.forEach(key -> w.revokeApiKey(key.id(), now));
        return keys.size();
    }

    private void publishPause(AgentSettings settings, Agent saved) {
        if (settings.paused().present()) {
            ctx.events.publish(new LedgerEvent.AgentPaused(saved.teamId(), saved.id(), saved.paused()));
        }
    }

    /** The agents of {@code team} that the actor sees, oldest first. */
    public List<Agent> agents(Actor actor, Ref team) {
        return ctx.store.read(r -> r.agents(LedgerContext.team(r, actor, team).id()).stream()
                .filter(actor::actsFor).sorted(java.util.Comparator.comparingLong(Agent::id)).toList());
    }

    /** The agent with this id or name. */
    public Agent agent(Actor actor, Ref ref) {
        return ctx.store.read(r -> LedgerContext.agent(r, actor, ref));
    }

    /**
     * Creates an agent in a team: the limits {@code settings} leaves out are the team's defaults.
     *
     * @throws LedgerException {@code conflict} when an agent of that name exists
     */
    public Agent createAgent(Actor actor, Ref team, String name, AgentSettings settings) {
        actor.mayAdminister();
        String agentName = Text.name("name", name);
        SettingsChecks.agent(settings);
        return ctx.store.write(w -> {
            Team target = LedgerContext.team(w, actor, team);
            if (w.agentByName(agentName).isPresent()) {
                throw new LedgerException(ErrorCode.CONFLICT, "name: an agent called '" + agentName + "' exists",
                        Map.of("field", "name"), null);
            }
            Agent agent = insertAgent(w, agentName, target);
            Agent limited = settings.applyTo(agent, target.id());
            w.updateAgent(limited);
            return limited;
        });
    }

    /**
     * Creates a task in a team. Its cap is {@code budget_usd} if given, else its {@code budget:} tag.
     *
     * @throws LedgerException {@code invalid_request} on {@code tags} for a malformed budget tag
     */
    public Task createTask(Actor actor, Ref team, NewTask task) {
        actor.mayAdminister();
        Objects.requireNonNull(task, "task");
        Long tagCap = BudgetTags.cap(task.tags()).orElse(null);
        Long cap = task.budgetMicros() != null ? task.budgetMicros() : tagCap;
        return ctx.store.write(w -> w.insertTask(LedgerContext.team(w, actor, team).id(), task, cap,
                ctx.clock.instant()));
    }

    public Task task(Actor actor, long id) {
        return ctx.store.read(r -> LedgerContext.task(r, actor, id));
    }
}
