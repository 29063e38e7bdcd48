package dev.entourage.ledger;

/** Checks for caller-supplied text; failures are {@code invalid_request} naming the field. */
public final class Text {
    private Text() {
    }

    /** Trims {@code value}; null or blank becomes null; too long or control characters are refused. */
    public static String optional(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return required(field, value, maxLength);
    }

    /** Trims {@code value}; blank, too long or control characters are refused naming {@code field}. */
    public static String required(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw LedgerException.invalid(field, "is required");
        }
        String trimmed = value.strip();
        if (trimmed.length() > maxLength) {
            throw LedgerException.invalid(field, "must be at most " + maxLength + " characters");
        }
        if (trimmed.chars().anyMatch(Character::isISOControl)) {
            throw LedgerException.invalid(field, "must not contain control characters");
        }
        return trimmed;
    }

    /** A name for a team or agent: letters, digits, '.', '_', '-' and '@', 1 to 64 characters. */
    static String name(String field, String value) {
        String name = required(field, value, 64);
        if (!name.matches("[A-Za-z0-9._@-]+")) {
            throw LedgerException.invalid(field, "may contain only letters, digits, '.', '_', '-' and '@'");
        }
        if (name.chars().allMatch(Character::isDigit)) {
            throw LedgerException.invalid(field, "must not be all digits (it would read as an id)");
        }
        return name;
    }
}
