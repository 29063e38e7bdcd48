package dev.entourage.ledger.capture;

import java.util.List;

/**
 * The answer to one batch: OTLP partial success is built from {@code rejected}/{@code rejections}.
 *
 * @param accepted   records written (new)
 * @param duplicates records already recorded (a re-sent batch), written nothing
 * @param rejected   records refused; {@code rejections} says why, each naming the field
 */
public record CaptureReceipt(int accepted, int duplicates, int rejected, List<String> rejections) {
    public CaptureReceipt {
        rejections = rejections == null ? List.of() : List.copyOf(rejections);
    }
}
