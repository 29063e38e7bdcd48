package dev.entourage.http.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entourage.ledger.BudgetExceededException;
import dev.entourage.ledger.HoldReceipt;
import dev.entourage.ledger.LedgerException;
import dev.entourage.ledger.LedgerServices;
import dev.entourage.ledger.Ref;
import dev.entourage.ledger.Session;
import dev.entourage.ledger.TokenCounts;
import dev.entourage.ledger.access.Principal;
import dev.entourage.ledger.capture.CapturedCall;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /anthropic/*}: {@code POST /anthropic/v1/messages} metered and held against the budget,
 * {@code POST /anthropic/v1/messages/count_tokens} and {@code GET /anthropic/v1/models[/…]} passed through; any
 * other path is 404 {@code not_found_error}. Every route needs the Entourage key ({@link Payer}). Its own errors
 * are in the Anthropic error shape; the upstream's pass unchanged. Calls are forwarded asynchronously ({@link Forwarder}):
 * no thread is held while a call is open. Logs name the agent, status and
 * request id, never a header's value.
 */
public final class AnthropicGateway extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** The servlet's path spec. */
    public static final String PATH = "/anthropic/*";
    private static final String MESSAGES = "/v1/messages";
    private static final Logger LOG = LoggerFactory.getLogger(AnthropicGateway.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final transient LedgerServices ledger;
    private final transient Function<String, Optional<Principal>> keys;
    private final URI upstreamBase;
    private transient Upstream upstream;

    /**
     * @param keys the principal of an Entourage key (null when the header is missing: a bridge without
     *             authentication answers its local admin), empty when it is not valid
     */
    public AnthropicGateway(LedgerServices ledger, Function<String, Optional<Principal>> keys, URI upstreamBase) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.upstreamBase = Objects.requireNonNull(upstreamBase, "upstreamBase");
    }

    @Override
    public void init() {
        upstream = Upstream.start(upstreamBase);
    }

    @Override
    public void destroy() {
        if (upstream != null) {
            upstream.close();
        }
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
        patient(request);
        if (messages) {
            metered(request, response, payer, body);
        } else {
            Forwarder.forward(upstream, request, path, body, response, null, result -> {
                if (result.outcome() == Forwarder.Outcome.UNREACHABLE) {
                    unreachable(response);
                }
            });
        }
    }

    private void metered(HttpServletRequest request, HttpServletResponse response, Payer payer, byte[] body)
            throws IOException {
        HoldSize size;
        Session session = null;
        HoldReceipt hold;
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            Replies.error(response, 400, "invalid_request_error", "body: must be a JSON object");
            return;
        }
        try {
            size = HoldSize.of(ledger.prices(), json, body.length);
            session = ledger.sessions().openExternal(payer.actor(), payer.origin(), null, null);
            hold = ledger.budgets().reserve(payer.actor(), Ref.id(session.agentId()), null, session.id(),
                    size.micros());
        } catch (BudgetExceededException e) {
            LOG.info("gateway: refused a call of agent {} over budget", payer.origin().agent());
            Replies.refuse(response, e, ledger.clock().instant(), teamZone(payer, session));
            return;
        } catch (LedgerException e) {
            Replies.ledger(response, e);
            return;
        }
        String holdId = hold.hold().id();
        UsageTally tally = new UsageTally();
        Session opened = session;
        try {
            Forwarder.forward(upstream, request, MESSAGES, body, response, tally,
                    result -> settle(result, response, payer, opened, size, holdId, tally));
        } catch (RuntimeException e) {
            ledger.budgets().release(payer.actor(), holdId);
            throw e;
        }
    }

    /** After the call: the hold released (no answer, or an error), else the call recorded exactly or at its floor. */
    private void settle(Forwarder.Result result, HttpServletResponse response, Payer payer, Session session,
                        HoldSize size, String holdId, UsageTally tally) throws IOException {
        if (result.outcome() == Forwarder.Outcome.UNREACHABLE || !result.success()) {
            ledger.budgets().release(payer.actor(), holdId);
            LOG.info("gateway: upstream answered {} (request {}); hold released", result.status(), result.requestId());
            if (result.outcome() == Forwarder.Outcome.UNREACHABLE) {
                unreachable(response);
            }
            return;
        }
        boolean exact = result.outcome() == Forwarder.Outcome.COMPLETED && tally.complete();
        TokenCounts tokens = exact ? tally.tokens() : tally.floor(size.inputEstimate());
        String eventId = result.requestId() != null ? result.requestId() : "gw_" + holdId;
        String model = tally.model() != null ? tally.model() : size.model();
        try {
            ledger.capture().recordSettling(payer.actor(), new CapturedCall(payer.origin(), eventId,
                    ledger.clock().instant(), model, tokens, null, null, exact ? "gateway" : "gateway_floor", null),
                    holdId);
        } catch (RuntimeException e) {
            LOG.warn("gateway: could not record request {} of session {} ({}); its hold expires by itself", eventId,
                    session.id(), e.getClass().getSimpleName());
        }
    }

    /** The zone the refusal names its reset in: the team's, else UTC. */
    private ZoneId teamZone(Payer payer, Session session) {
        if (session == null) {
            return ZoneOffset.UTC;
        }
        try {
            return ledger.settings().team(payer.actor(), Ref.id(session.teamId())).zone();
        } catch (LedgerException e) {
            return ZoneOffset.UTC;
        }
    }

    /**
     * Lets the client's connection wait as long as the upstream may be silent: a non-streamed answer can take
     * minutes, longer than the bridge's idle timeout.
     */
    private static void patient(HttpServletRequest request) {
        ServletContextRequest base = ServletContextRequest.getServletContextRequest(request);
        if (base != null) {
            base.getConnectionMetaData().getConnection().getEndPoint().setIdleTimeout(Forwarder.IDLE_TIMEOUT_MILLIS);
        }
    }

    private static void unreachable(HttpServletResponse response) throws IOException {
        if (!response.isCommitted()) {
            Replies.error(response, 502, "api_error", "the gateway could not reach the upstream API");
        }
    }
}
