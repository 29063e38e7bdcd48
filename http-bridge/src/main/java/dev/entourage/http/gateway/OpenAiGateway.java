package dev.entourage.http.gateway;

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
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /openai/*}: {@code POST /openai/v1/chat/completions} and {@code POST /openai/v1/responses} metered and held
 * against the budget, streamed (SSE) or not; {@code GET /openai/v1/models[/…]} passed through; any other path is 404
 * in OpenAI's error shape. Every route needs the Entourage key ({@link Payer}); the provider's
 * {@code Authorization: Bearer} passes through untouched. The gateway's own errors are in OpenAI's error shape
 * ({@link OpenAiReplies}); the upstream's pass unchanged. The event id is the upstream's {@code x-request-id}.
 * Logs name the agent, status and request id, never a header's value.
 */
public final class OpenAiGateway extends UpstreamServlet {
    private static final long serialVersionUID = 1L;
    /** The servlet's path spec. */
    public static final String PATH = "/openai/*";
    /** The OpenAI API's public base URL, the default of {@code --openai-upstream}. */
    public static final URI DEFAULT_UPSTREAM = URI.create("https://api.openai.com");
    private static final String CHAT = "/v1/chat/completions";
    private static final String RESPONSES = "/v1/responses";
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiGateway.class);

    private final transient LedgerServices ledger;
    private final transient Metering metering;
    private final transient Function<String, Optional<Principal>> keys;
    private final transient GatewayLimits limits;
    private final transient TeamKeys openAiKeys;

    /**
     * @param keys the principal of an Entourage key (null when the header is missing: a bridge without
     *             authentication answers its local admin), empty when it is not valid
     * @param limits  the bridge's rate limit on model calls, taken once per request by its Entourage key
     * @param settles the settles still to run, shared by the bridge's gateways
     */
    public OpenAiGateway(LedgerServices ledger, Function<String, Optional<Principal>> keys, URI upstreamBase,
                         GatewayLimits limits, PendingSettles settles) {
        super(upstreamBase, settles);
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.metering = new Metering(ledger, settles);
        this.keys = Objects.requireNonNull(keys, "keys");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.openAiKeys = new TeamKeys(ledger, UpstreamProvider.OPENAI);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        String method = request.getMethod();
        OpenAiHold.Api api = !method.equals("POST") ? null
                : path.equals(CHAT) ? OpenAiHold.Api.CHAT : path.equals(RESPONSES) ? OpenAiHold.Api.RESPONSES : null;
        boolean models = (path.equals("/v1/models") || path.startsWith("/v1/models/")) && method.equals("GET");
        if (api == null && !models) {
            OpenAiReplies.error(response, 404, "invalid_request_error", "unknown_url", null, "Invalid URL ("
                    + method + " /openai" + path + "): the gateway serves POST /openai/v1/chat/completions, "
                    + "POST /openai/v1/responses and GET /openai/v1/models");
            return;
        }
        Payer payer;
        byte[] body;
        try {
            payer = Payer.of(request, keys, ledger.clock());
            body = api != null ? Bodies.read(request) : null;
        } catch (LedgerException e) {
            OpenAiReplies.ledger(response, e);
            return;
        }
        long retryAfter = limits.take("gateway:" + payer.actor() + "|" + payer.origin().agent());
        if (retryAfter > 0) {
            response.setHeader("retry-after", Long.toString(retryAfter));
            OpenAiReplies.error(response, 429, "rate_limit_error", "rate_limit_exceeded", null,
                    "too many model calls through the gateway for this key; retry in " + retryAfter + " s");
            return;
        }
        patient(request);
        HttpServletRequest upstreamRequest = Credentialed.bearer(request, teamKey(payer));
        if (api != null) {
            metered(upstreamRequest, response, payer, api, body);
        } else {
            Forwarder.forward(upstream(), upstreamRequest, path, null, response, null, result -> {
                if (result.outcome() == Forwarder.Outcome.UNREACHABLE) {
                    unreachable(response);
                }
                return Forwarder.NOTHING;
            });
        }
    }

    private void metered(HttpServletRequest request, HttpServletResponse response, Payer payer, OpenAiHold.Api api,
                         byte[] body) throws IOException {
        OpenAiHold size;
        Metering.Held held;
        try {
            size = OpenAiHold.of(ledger.prices(), api, body, ledger.clock().instant());
            held = metering.hold(payer, size.model(), size.micros(), size.inputEstimate());
        } catch (BudgetExceededException e) {
            LOG.info("gateway: refused an OpenAI call of agent {} over budget", payer.origin().agent());
            OpenAiReplies.refuse(response, e, ledger.clock().instant(), metering.teamZone(payer, e.budget().agentId()));
            return;
        } catch (LedgerException e) {
            OpenAiReplies.ledger(response, e);
            return;
        }
        OpenAiTally tally = new OpenAiTally();
        String path = api == OpenAiHold.Api.CHAT ? CHAT : RESPONSES;
        try {
            Forwarder.forward(upstream(), request, path, size.forwarded(),
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
                            OpenAiHold size, OpenAiTally tally) throws IOException {
        String requestId = response.getHeader("x-request-id") != null ? response.getHeader("x-request-id")
                : result.requestId();
        if (result.outcome() == Forwarder.Outcome.UNREACHABLE || !result.success()) {
            metering.release(payer, held);
            LOG.info("gateway: OpenAI upstream answered {} (request {}); hold released", result.status(), requestId);
            if (result.outcome() == Forwarder.Outcome.UNREACHABLE) {
                unreachable(response);
            }
            return Forwarder.NOTHING;
        }
        String eventId = requestId != null ? requestId : "gw_" + held.holdId();
        if (result.outcome() != Forwarder.Outcome.COMPLETED || !tally.complete()) {
            return metering.floorLater(payer, held, eventId, tally.floor(size.inputEstimate()));
        }
        return metering.settleLater(payer, held, metering.exact(payer, eventId,
                tally.model() != null ? tally.model() : size.model(), tally.tokens(), null, tally.serviceTier(), null));
    }

    /** The team's OpenAI key when the payer's team keeps one in a file; the caller's credential otherwise. */
    private Optional<String> teamKey(Payer payer) {
        Long team = payer.teamId(ledger);
        return team == null ? Optional.empty() : openAiKeys.key(team);
    }

    private static void unreachable(HttpServletResponse response) throws IOException {
        if (!response.isCommitted()) {
            OpenAiReplies.error(response, 502, "server_error", null, null,
                    "the gateway could not reach the upstream API");
        }
    }
}
