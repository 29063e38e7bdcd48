package dev.entourage.http.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entourage.ledger.BudgetExceededException;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.UpstreamProvider;
import dev.entourage.ledger.access.Principal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /anthropic/*}: {@code POST /anthropic/v1/messages} metered and held against the budget,
 * {@code POST /anthropic/v1/messages/count_tokens} and {@code GET /anthropic/v1/models[/…]} passed through; any
 * other path is 404 {@code not_found_error}. Every route needs the Entourage key ({@link Payer}). Its own errors
 * are in the Anthropic error shape; the upstream's pass unchanged. Calls are forwarded asynchronously ({@link Forwarder}):
 * no thread is held while a call is open. Logs name the agent, status and request id, never a header's value.
 *
 * <p>A metered call is one {@code MeteredCalls} record: begun (session, hold sized by {@link TokenCounter} and
 * {@link HoldSize}, record in flight) before it is sent, then settled, floored or released; a bridge killed in
 * between leaves the record for {@link CallRecovery}. Every route takes one call from the caller's
 * {@link GatewayLimits} bucket (429 {@code rate_limit_error} over it), and sends the team's own key instead of the
 * caller's credential when the team keeps one ({@link TeamKeys}); a successful answer near a limit carries the
 * {@link Utilisation} headers.
 */
public final class AnthropicGateway extends UpstreamServlet {
    private static final long serialVersionUID = 1L;
    /** The servlet's path spec. */
    public static final String PATH = "/anthropic/*";
    private static final String MESSAGES = "/v1/messages";
    private static final Logger LOG = LoggerFactory.getLogger(AnthropicGateway.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final transient LedgerServices ledger;
    private final transient Function<String, Optional<Principal>> keys;
    private final transient GatewayLimits limits;
    private final transient TeamKeys anthropicKeys;
    private final boolean countTokens;
    private final transient Metering metering;

    /**
     * @param keys the principal of an Entourage key (null when the header is missing: a bridge without
     *             authentication answers its local admin), empty when it is not valid
     */
    public AnthropicGateway(LedgerServices ledger, Function<String, Optional<Principal>> keys, URI upstreamBase) {
        this(ledger, keys, upstreamBase, GatewayLimits.NONE, false, new PendingSettles());
    }

    /**
     * @param limits      the bridge's rate limit on model calls, taken once per request by its Entourage key
     * @param countTokens whether a hold is sized by the upstream's {@code count_tokens} (else by the body's size)
     * @param settles     the settles still to run, shared by the bridge's gateways
     */
    public AnthropicGateway(LedgerServices ledger, Function<String, Optional<Principal>> keys, URI upstreamBase,
                            GatewayLimits limits, boolean countTokens, PendingSettles settles) {
        super(upstreamBase, settles);
        this.metering = new Metering(ledger, settles);
        this.countTokens = countTokens;
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.anthropicKeys = new TeamKeys(ledger, UpstreamProvider.ANTHROPIC);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        String method = request.getMethod();
        boolean messages = path.equals(MESSAGES) && method.equals("POST");
        boolean passThrough = path.equals(MESSAGES + "/count_tokens") && method.equals("POST")
                || (path.equals("/v1/models") || path.startsWith("/v1/models/")) && method.equals("GET");
        if (!messages && !passThrough) {
            Replies.error(response, 404, "not_found_error", "the gateway serves POST /anthropic/v1/messages, "
                    + "POST /anthropic/v1/messages/count_tokens and GET /anthropic/v1/models");
            return;
        }
        Payer payer;
        byte[] body;
        try {
            payer = Payer.of(request, keys, ledger.clock());
            body = method.equals("POST") ? Bodies.read(request) : null;
        } catch (LedgerException e) {
            Replies.ledger(response, e);
            return;
        }
        long retryAfter = limits.take("gateway:" + payer.actor() + "|" + payer.origin().agent());
        if (retryAfter > 0) {
            response.setHeader("retry-after", Long.toString(retryAfter));
            Replies.error(response, 429, "rate_limit_error", "too many model calls through the gateway for this key; "
                    + "retry in " + retryAfter + " s");
            return;
        }
        patient(request);
        if (messages) {
            metered(request, response, payer, body);
        } else {
            Forwarder.forward(upstream(), Credentialed.of(request, teamKey(payer)), path, body, response, null,
                    result -> {
                        if (result.outcome() == Forwarder.Outcome.UNREACHABLE) {
                            unreachable(response);
                        }
                        return Forwarder.NOTHING;
                    });
        }
    }

    private void metered(HttpServletRequest request, HttpServletResponse response, Payer payer, byte[] body)
            throws IOException {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            Replies.error(response, 400, "invalid_request_error", "body: must be a JSON object");
            return;
        }
        HttpServletRequest upstreamRequest;
        Metering.Held held;
        HoldSize size;
        try {
            HoldSize.model(json);
            upstreamRequest = Credentialed.of(request, teamKey(payer));
            OptionalLong counted = countTokens
                    ? TokenCounter.count(upstream(), json, Credentialed.credentials(upstreamRequest))
                    : OptionalLong.empty();
            size = HoldSize.of(ledger.prices(), json, body.length, counted, ledger.clock().instant());
            held = metering.hold(payer, size.model(), size.micros(), size.inputEstimate());
        } catch (BudgetExceededException e) {
            LOG.info("gateway: refused a call of agent {} over budget", payer.origin().agent());
            Replies.refuse(response, e, ledger.clock().instant(), metering.teamZone(payer, e.budget().agentId()));
            return;
        } catch (LedgerException e) {
            Replies.ledger(response, e);
            return;
        }
        UsageTally tally = new UsageTally();
        try {
            Forwarder.forward(upstream(), upstreamRequest, MESSAGES, body,
                    Utilisation.on(response, Utilisation.headers(held.budget())), tally,
                    result -> settle(result, response, payer, held, size, tally));
        } catch (RuntimeException e) {
            metering.release(payer, held);
            throw e;
        }
    }

    /**
     * After the call: the hold released (no answer, or an error) at once, else the call recorded exactly or at its
     * floor once the response has completed.
     */
    private Runnable settle(Forwarder.Result result, HttpServletResponse response, Payer payer, Metering.Held held,
                            HoldSize size, UsageTally tally) throws IOException {
        if (result.outcome() == Forwarder.Outcome.UNREACHABLE || !result.success()) {
            metering.release(payer, held);
            LOG.info("gateway: upstream answered {} (request {}); hold released", result.status(), result.requestId());
            if (result.outcome() == Forwarder.Outcome.UNREACHABLE) {
                unreachable(response);
            }
            return Forwarder.NOTHING;
        }
        String eventId = result.requestId() != null ? result.requestId() : "gw_" + held.holdId();
        if (result.outcome() != Forwarder.Outcome.COMPLETED || !tally.complete()) {
            return metering.floorLater(payer, held, eventId, tally.floor(size.inputEstimate()));
        }
        return metering.settleLater(payer, held, metering.exact(payer, eventId,
                tally.model() != null ? tally.model() : size.model(), tally.tokens(),
                tally.speed() != null ? tally.speed() : size.speed(), tally.serviceTier(), tally.inferenceGeo()));
    }

    /** The team's upstream key when the payer's team keeps one in a file; the caller's credential otherwise. */
    private Optional<String> teamKey(Payer payer) {
        Long team = payer.teamId(ledger);
        return team == null ? Optional.empty() : anthropicKeys.key(team);
    }

    private static void unreachable(HttpServletResponse response) throws IOException {
        if (!response.isCommitted()) {
            Replies.error(response, 502, "api_error", "the gateway could not reach the upstream API");
        }
    }
}
