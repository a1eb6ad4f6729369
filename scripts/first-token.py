"""Create a write token for `make serve` the first time, and print it once."""

import sys

from kgbp.auth import create_token, load_tokens
from kgbp.config import Settings

settings = Settings.from_env(store=sys.argv[1] if len(sys.argv) > 1 else None)
if not load_tokens(settings):
    token = create_token(settings, "admin")
    print(f"write token for 'admin' (shown once; keep it): {token}")
