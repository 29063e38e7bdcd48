package dev.entourage.ledger;

import java.util.Map;

/** The store could not complete a read or write (busy past its timeout, unreadable, full); nothing was half written. */
public final class StorageUnavailableException extends LedgerException {
    private static final long serialVersionUID = 1L;

    public StorageUnavailableException(String message, Throwable cause) {
        super(ErrorCode.STORAGE_UNAVAILABLE, message, Map.of(), cause);
    }
}
