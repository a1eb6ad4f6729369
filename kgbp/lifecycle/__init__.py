"""A blueprint over time: differences between versions and their diagram."""
