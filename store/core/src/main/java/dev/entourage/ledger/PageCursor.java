package dev.entourage.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code cursor} of a paged list: the keyset of the last row of a page (a cost and a session id for
 * costs, a session id for session lists), so a page never repeats nor skips a row because rows were added since.
 */
public final class PageCursor {
    /** The page size when none is asked for. */
    public static final int DEFAULT_LIMIT = 50;
    /** The largest page. */
    public static final int MAX_LIMIT = 500;

    private PageCursor() {
    }

    /** The cursor of {@code keys}, tagged with {@code kind} so a cursor of one list is refused by another. */
    public static String of(char kind, long... keys) {
        StringBuilder text = new StringBuilder().append(kind);
        for (long key : keys) {
            text.append(':').append(key);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The {@code count} keys of a cursor of {@code kind}; null for null.
     *
     * @throws LedgerException {@code invalid_request} on {@code cursor} for anything this server did not give
     */
    public static long[] parse(String cursor, char kind, int count) {
        if (cursor == null) {
            return null;
        }
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(":", -1);
            if (parts.length != count + 1 || !parts[0].equals(String.valueOf(kind))) {
                throw bad();
            }
            long[] keys = new long[count];
            for (int i = 0; i < count; i++) {
                keys[i] = Long.parseLong(parts[i + 1]);
            }
            return keys;
        } catch (IllegalArgumentException e) {
            throw bad();
        }
    }

    /** @throws LedgerException {@code invalid_request} on {@code limit} unless 1 to {@value #MAX_LIMIT} */
    public static int limit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw LedgerException.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }

    private static LedgerException bad() {
        return LedgerException.invalid("cursor", "is not a cursor of this list; pass next_cursor as it was given");
    }
}
