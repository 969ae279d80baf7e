"""Evidence files: encrypted, write-once, with hashes, metadata and a chain of custody."""
