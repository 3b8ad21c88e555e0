"""The members of an uploaded zip of LRMX files, one at a time.

A zip is untrusted: its central directory may list millions of entries, declare sizes that lie, or
expand a few MB into gigabytes. So the listing and the unpacking run in a limited child process
(`core.sandbox`, ZIP_LIMITS) which checks what the archive declares before reading any member (the
number of entries, the total expanded size, each member's compression ratio and size) and counts
what it really reads (never more than MAX_BYTES + 1 of a member, never more than
MAX_ZIP_EXPANDED_BYTES in all). It writes each acceptable member to a file of a private temporary
directory; the parent reads them back one at a time and removes the directory. Each member is
then parsed in a child of its own (`parse_lrmx`), so one hostile member fails alone.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator

from ganbu.cadres.lrmx.records import (
    MAX_BYTES,
    MAX_ZIP_EXPANDED_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
    SKIPPED,
    TOO_LARGE,
    ZIP_LIMITS,
    LrmxError,
)
from ganbu.core import sandbox

DAMAGED = "压缩包中的该文件已损坏或加密，无法读取"
BOMB = "压缩比异常（疑似压缩炸弹），拒绝读取"
_EXPANDED_MB = MAX_ZIP_EXPANDED_BYTES // (1024 * 1024)

# (display name, path of the unpacked content or "", problem)
Manifest = list[tuple[str, str, str]]


def _display_name(info: zipfile.ZipInfo) -> str:
    """Names written by Chinese Windows without the UTF-8 flag are GBK."""
    name = info.filename
    if not info.flag_bits & 0x800:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            name = name.encode("cp437").decode("gbk")
    return name


def _unpack(data: bytes, directory: str) -> Manifest:
    """In the child: check the archive, then copy each acceptable .lrmx member to a file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise LrmxError("文件不是有效的 zip 压缩包") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise LrmxError(f"压缩包内文件过多（{len(infos)} 个，最多 {MAX_ZIP_MEMBERS} 个），拒绝读取")
        if sum(i.file_size for i in infos) > MAX_ZIP_EXPANDED_BYTES:
            raise LrmxError(f"压缩包解压后超过 {_EXPANDED_MB} MB，请拆分后导入")
        manifest: Manifest = []
        read_total = 0
        for index, info in enumerate(i for i in infos if not i.is_dir()):
            name = _display_name(info)
            if not name.lower().endswith(".lrmx"):
                manifest.append((name, "", SKIPPED))
                continue
            if info.file_size > MAX_BYTES:
                manifest.append((name, "", TOO_LARGE))
                continue
            if info.file_size > max(info.compress_size, 1) * MAX_ZIP_RATIO:
                manifest.append((name, "", BOMB))
                continue
            try:
                with archive.open(info) as handle:
                    content = handle.read(MAX_BYTES + 1)  # never trust the declared size
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error):
                manifest.append((name, "", DAMAGED))
                continue
            read_total += len(content)
            if read_total > MAX_ZIP_EXPANDED_BYTES:
                raise LrmxError(f"压缩包解压后超过 {_EXPANDED_MB} MB，请拆分后导入")
            if len(content) > MAX_BYTES:
                manifest.append((name, "", TOO_LARGE))
                continue
            path = os.path.join(directory, f"{index}.lrmx")
            with open(path, "wb") as out:
                out.write(content)
            manifest.append((name, path, ""))
    return manifest


def zip_members(data: bytes) -> Iterator[tuple[str, bytes | None, str]]:
    """The members of an uploaded zip, one at a time, as (display name, content or None, problem).
    Content is None for members that are refused (not .lrmx, too large, a bomb, unreadable).
    Raises LrmxError (Chinese) when the archive itself is unusable: not a zip, too many entries,
    too large expanded, or more than the unpacking child may use (`core.sandbox`)."""
    directory = tempfile.mkdtemp(prefix="ganbu-lrmx-")
    try:
        try:
            manifest = sandbox.run(_unpack, data, directory, limits=ZIP_LIMITS)
        except sandbox.SandboxError as exc:
            raise LrmxError(exc.message) from exc
        for name, path, problem in manifest:
            if not path:
                yield name, None, problem
                continue
            with open(path, "rb") as handle:
                content = handle.read(MAX_BYTES + 1)
            os.unlink(path)
            yield name, content, ""
    finally:
        shutil.rmtree(directory, ignore_errors=True)
