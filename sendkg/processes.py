"""Child processes that cannot outlive the process that started them.

A build killed with SIGKILL runs no clean-up of its own, so its forked workers would go on
reading documents for nobody; on Linux each child asks the kernel to kill it when its parent dies
(`PR_SET_PDEATHSIG`), and checks it was not orphaned before it asked.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> None:
    """Called first in a child: SIGKILL when its parent ends; exits at once if the parent
    (`parent`, when the caller knows its ID) already has."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if parent is not None and os.getppid() != parent:
        os._exit(1)
