package dev.entourage.ledger;

import java.util.Objects;

/**
 * A reference to a team or an agent as a caller gives it: an id, or a name (a path segment of digits is an id).
 *
 * @param id   the id, or null for a name
 * @param name the name, or null for an id
 */
public record Ref(Long id, String name) {
    public Ref {
        if ((id == null) == (name == null)) {
            throw new IllegalArgumentException("a ref is an id or a name");
        }
    }

    public static Ref id(long id) {
        return new Ref(id, null);
    }

    public static Ref name(String name) {
        return new Ref(null, Objects.requireNonNull(name, "name"));
    }

    /** An id when {@code text} is digits, else a name. */
    public static Ref parse(String text) {
        Objects.requireNonNull(text, "text");
        boolean digits = !text.isEmpty() && text.length() < 19 && text.chars().allMatch(Character::isDigit);
        return digits ? id(Long.parseLong(text)) : name(text);
    }

    /** How a message names it: {@code 5}, or {@code 'eng-1'} with unprintable characters replaced. */
    public String describe() {
        if (id != null) {
            return "'" + id + "'";
        }
        StringBuilder out = new StringBuilder();
        name.codePoints().limit(100).forEach(c -> out.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return "'" + out + (name.length() > 100 ? "…'" : "'");
    }
}
