"""The audit log (append-only, hash-chained, Merkle-verifiable) and per-record history."""
