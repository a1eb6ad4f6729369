"""Take a process off the network: the SPARQL workers run user-written text, so the engine's
own remote access (SERVICE, LOAD) must find no network even if a text got past the checks.

A new, empty network namespace (Linux `unshare(CLONE_NEWUSER | CLONE_NEWNET)`): it has no
interfaces but a down loopback, so every connect fails at once. Files stay readable (the
user namespace keeps the caller's identity for file access). Where the kernel does not
allow it (another system, or unprivileged user namespaces turned off) the process carries
on with the checks on parsed SPARQL alone, and says so once in the log.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
log = logging.getLogger("kgbp.sparql")


def cut_network() -> bool:
    """Whether this process is now without a network. Call before starting threads."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0:
            return True
        error = ctypes.get_errno()
    except (OSError, AttributeError) as exc:
        log.warning("query workers keep the network (%s): SERVICE and LOAD are refused by the SPARQL check only", exc)
        return False
    log.warning("query workers keep the network (%s): SERVICE and LOAD are refused by the SPARQL check only",
                os.strerror(error))
    return False
