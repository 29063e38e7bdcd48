package dev.entourage.ledger.access;

import dev.entourage.ledger.LedgerException;
import java.util.Locale;

/** Checks for what callers hand to {@link AccessService}. */
final class Inputs {
    static final int MAX_EMAIL = 254;
    static final int MAX_LABEL = 100;

    private Inputs() {
    }

    /** A key's label: trimmed; blank becomes null; long or with control characters is refused. */
    static String label(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String label = value.strip();
        if (label.length() > MAX_LABEL) {
            throw LedgerException.invalid(field, "must be at most " + MAX_LABEL + " characters");
        }
        if (label.chars().anyMatch(Character::isISOControl)) {
            throw LedgerException.invalid(field, "must not contain control characters");
        }
        return label;
    }

    /** An agent's name as the ledger accepts it: letters, digits, '.', '_', '-' and '@', 1 to 64 characters. */
    static String agentName(String field, String value) {
        if (value == null || value.isBlank()) {
            throw LedgerException.invalid(field, "is required for an agent key");
        }
        String name = value.strip();
        if (name.length() > 64 || !name.matches("[A-Za-z0-9._@-]+")) {
            throw LedgerException.invalid(field, "must be 1 to 64 letters, digits, '.', '_', '-' or '@'");
        }
        return name;
    }

    /** An email address, trimmed and lower-cased; refused when it cannot be one. */
    static String email(String field, String value) {
        String email = normalEmail(value);
        if (email == null) {
            throw LedgerException.invalid(field, "must be an email address such as alice@example.com (at most "
                    + MAX_EMAIL + " characters)");
        }
        return email;
    }

    /** The lower-cased address, or null when {@code value} cannot be one. */
    static String normalEmail(String value) {
        if (value == null) {
            return null;
        }
        String email = value.strip().toLowerCase(Locale.ROOT);
        int at = email.indexOf('@');
        boolean plausible = at > 0 && at == email.lastIndexOf('@') && at < email.length() - 1
                && email.length() <= MAX_EMAIL
                && email.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
        return plausible ? email : null;
    }

    static boolean isId(String ref) {
        return !ref.isEmpty() && ref.length() < 19 && ref.chars().allMatch(Character::isDigit);
    }
}
