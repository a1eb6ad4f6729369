"""The stored repository: the write path (save), concurrency, the history log, listings, dump and backup."""
