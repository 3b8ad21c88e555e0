"""Parsing untrusted files in a child process with hard limits.

A file from outside (a spreadsheet, an LRMX file or a zip of them, a photo) is parsed by native
code that can exhaust memory or abort the whole process (a spreadsheet declaring one cell at
XFD1048576 makes the reader allocate for 17 billion cells; a zip bomb expands to gigabytes). Such
work runs in a forked child with an address-space limit (RLIMIT_AS), a CPU-time limit
(RLIMIT_CPU), a wall-clock timeout and a cap on what it may send back. If the child dies, runs out
of time or answers too much, the caller gets a `SandboxError` with a Chinese message, never a dead
worker. The child never touches the database (it only parses bytes) and leaves with `os._exit`, so
nothing of the parent (database connections, temporary files) is closed or flushed twice.

`run(fn, *args)` returns what `fn(*args)` returns (picklable), or re-raises the exception `fn`
raised when it is one of the parse errors the caller handles (ValueError and its subclasses,
`ImportFileError` …), or raises `SandboxError`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import resource
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 1024  # address space of the child (the parsers map ~200 MB of code and data)
    cpu_seconds: int = 60
    wall_seconds: int = 120
    output_mb: int = 256  # what the child may send back


DEFAULT_LIMITS = Limits()


class SandboxError(Exception):
    """The file could not be parsed within the limits (the child was killed, timed out, or sent
    more than allowed). `message` is for the user."""

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


TOO_LARGE = "文件过大或结构异常，超出系统读取限制（内存或时间），未导入任何数据；请检查文件，或拆分后重试"


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...], limits: Limits) -> None:
    code = 0
    try:
        os.environ["RUST_BACKTRACE"] = "0"  # a native parser's abort prints one line, not a backtrace
        memory = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        output = limits.output_mb * 1024 * 1024  # files the child writes (rows spilled to disk)
        resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
        try:
            payload = pickle.dumps(("ok", fn(*args)), protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload = pickle.dumps(("limit", "memory"))
        except BaseException as exc:  # report the parser's own error to the parent
            try:
                payload = pickle.dumps(("error", exc))
            except Exception:
                payload = pickle.dumps(("error", ValueError(str(exc))))
            logger.debug("sandboxed parse raised: %s", traceback.format_exc())
        if len(payload) > limits.output_mb * 1024 * 1024:
            payload = pickle.dumps(("limit", "output"))
        conn.send_bytes(payload)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _context() -> Any:
    # fork: the child starts with the loaded code (no re-import of Django per file); it only parses
    return multiprocessing.get_context("fork")


def run(fn: Callable[..., T], *args: Any, limits: Limits = DEFAULT_LIMITS) -> T:
    """Run `fn(*args)` in a limited child process (see the module docstring)."""
    ctx = _context()
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child_conn, fn, args, limits), daemon=True)
    started = time.monotonic()
    process.start()
    child_conn.close()
    payload: bytes | None = None
    try:
        deadline = started + limits.wall_seconds
        while payload is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SandboxError(TOO_LARGE, reason="timeout")
            if parent_conn.poll(min(remaining, 0.5)):
                try:
                    payload = parent_conn.recv_bytes(maxlength=limits.output_mb * 1024 * 1024 + 1024)
                except (EOFError, OSError):
                    break
            elif not process.is_alive() and not parent_conn.poll(0):
                break
    finally:
        if process.is_alive():
            os.kill(process.pid, signal.SIGKILL)
        process.join(5)
        parent_conn.close()
    if payload is None:
        reason = f"exit {process.exitcode}"
        logger.warning("sandboxed parse died (%s) after %.1f s", reason, time.monotonic() - started)
        raise SandboxError(TOO_LARGE, reason=reason)
    status, value = pickle.loads(payload)  # noqa: S301 - our own child's answer
    if status == "ok":
        return value
    if status == "limit":
        raise SandboxError(TOO_LARGE, reason=str(value))
    raise value
