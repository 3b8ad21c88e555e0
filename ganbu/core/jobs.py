"""Background work for long requests (large imports): a daemon thread in the web process, progress
kept in the database so any worker can show it. Set GANBU_JOBS_SYNC=1 (tests) to run inline.

Why not a task queue: the county intranet default is one process with SQLite and no broker. A job
interrupted by a restart is left RUNNING; `stale_jobs_fail` marks such jobs as crashed on startup
of the import page.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)


def run_in_background(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    if getattr(settings, "GANBU_JOBS_SYNC", False):
        fn(*args, **kwargs)
        return

    def target() -> None:
        close_old_connections()
        try:
            fn(*args, **kwargs)
        except Exception:  # the job function records its own failure; this is a last resort
            logger.exception("background job failed")
        finally:
            connections.close_all()

    threading.Thread(target=target, daemon=True, name="ganbu-job").start()
