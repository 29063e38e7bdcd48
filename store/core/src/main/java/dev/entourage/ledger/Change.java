package dev.entourage.ledger;

/**
 * One field of a settings patch: either left as it is, or set to a value that may be {@code null}
 * (e.g. "no limit").
 *
 * @param present whether the patch sets this field
 * @param value   the new value when present; may be null
 */
public record Change<T>(boolean present, T value) {
    private static final Change<?> KEEP = new Change<>(false, null);

    @SuppressWarnings("unchecked")
    public static <T> Change<T> keep() {
        return (Change<T>) KEEP;
    }

    public static <T> Change<T> to(T value) {
        return new Change<>(true, value);
    }

    /** The new value when present, else {@code current}. */
    public T or(T current) {
        return present ? value : current;
    }
}
