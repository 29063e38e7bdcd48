package dev.entourage.http.otlp;

import java.util.ArrayList;
import java.util.List;

/**
 * What the mappers made of one export request: the records for the ledger and, for each record refused before it
 * reached the ledger, a reason naming the record and the field.
 */
final class Mapped<T> {
    private final List<T> records = new ArrayList<>();
    private final List<String> rejections = new ArrayList<>();

    void add(T record) {
        records.add(record);
    }

    void reject(String reason) {
        rejections.add(reason);
    }

    List<T> records() {
        return List.copyOf(records);
    }

    List<String> rejections() {
        return List.copyOf(rejections);
    }
}
