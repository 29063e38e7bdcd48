package dev.entourage.ledger;

/**
 * Which of an agent's sessions to list, newest first.
 *
 * @param status   null for all
 * @param taskId   null for all
 * @param beforeId only sessions with a smaller id (the keyset of the previous page's last one); null for the newest
 */
public record SessionQuery(SessionStatus status, Long taskId, int limit, Long beforeId) {
    public static final int MAX_LIMIT = 1000;

    public SessionQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw LedgerException.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        }
    }

    public SessionQuery(SessionStatus status, Long taskId, int limit) {
        this(status, taskId, limit, null);
    }

    public static SessionQuery latest(int limit) {
        return new SessionQuery(null, null, limit);
    }
}
