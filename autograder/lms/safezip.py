"""Reading a zip that nobody vouches for.

walk() goes through an archive, and the zips nested in it, and yields one
Member per file.  Notebooks are copied to a staging folder; nothing is ever
written at a path taken from the archive.  An entry that is unsafe on its own
(a name that climbs out with ../ or starts at /, a symbolic link, an encrypted,
oversized or suspiciously compressed file, a zip nested too deep) is yielded
with the reason it was refused, and the walk goes on.  An archive that is
unsafe as a whole (too many entries, too many bytes once unpacked) raises
ZipLimitError before anything is staged.
"""
from __future__ import annotations

import datetime as dt
import pathlib
import re
import shutil
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from . import LmsError

MB = 2**20


class ZipLimitError(LmsError):
    pass


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 20_000  # across the archive and every nested zip
    max_total_bytes: int = 2048 * MB  # unpacked, across everything
    max_file_bytes: int = 64 * MB  # one file (the grader refuses larger notebooks anyway)
    max_ratio: float = 200.0  # unpacked / packed size of one file
    ratio_floor_bytes: int = 1 * MB  # smaller files may compress as well as they like
    max_depth: int = 2  # zips inside the download, then zips inside those


@dataclass
class Member:
    chain: tuple[str, ...]  # entry names, from the outer archive inwards
    date_time: dt.datetime  # of the outermost entry, as the LMS wrote it (no zone)
    staged: pathlib.Path | None = None  # the file's bytes on disk, for notebooks
    refused: str = ""  # why the entry was not read

    @property
    def name(self) -> str:
        return self.chain[-1].rsplit("/", 1)[-1]

    @property
    def where(self) -> str:
        return "!/".join(self.chain)


def is_notebook(name: str) -> bool:
    return name.lower().endswith(".ipynb")


def is_zip(name: str) -> bool:
    return name.lower().endswith(".zip")


def clutter(name: str) -> str:
    """What kind of tool-made copy this file is (never the submission itself), or ""."""
    parts = name.split("/")
    if "__MACOSX" in parts or parts[-1].startswith("._"):
        return "macOS metadata"
    if ".ipynb_checkpoints" in parts:
        return "a Jupyter checkpoint copy"
    return ""


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name with '/' separators; names stored without the UTF-8 flag
    are often UTF-8 anyway (zip tools on Windows and some LMSs), so try that."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            name = name.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    return name.replace("\\", "/")


def refusal(info: zipfile.ZipInfo, name: str, limits: ZipLimits) -> str:
    """Why this entry must not be read, or ""."""
    parts = name.split("/")
    if "\x00" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        return "unsafe path (absolute or climbing out with ..)"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if info.flag_bits & 0x1:
        return "encrypted"
    if info.file_size > limits.max_file_bytes:
        return f"{info.file_size / MB:.1f} MB unpacked, over the {limits.max_file_bytes / MB:g} MB limit per file"
    if info.file_size > limits.ratio_floor_bytes:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            return f"compressed {ratio:.0f}:1, over the {limits.max_ratio:g}:1 limit (a zip bomb?)"
    return ""


def _entry_time(info: zipfile.ZipInfo) -> dt.datetime:
    try:
        return dt.datetime(*info.date_time)
    except ValueError:  # a zeroed or garbled DOS date
        return dt.datetime(1980, 1, 1)


@dataclass
class _Budget:
    limits: ZipLimits
    entries: int = 0
    bytes: int = 0

    def admit(self, infos: list[zipfile.ZipInfo]) -> str:
        """Reserve room for a whole archive; why not, or ""."""
        entries = self.entries + len(infos)
        total = self.bytes + sum(i.file_size for i in infos)
        if entries > self.limits.max_entries:
            return f"{entries} entries in all, over the limit of {self.limits.max_entries}"
        if total > self.limits.max_total_bytes:
            return f"{total / MB:.1f} MB unpacked in all, over the {self.limits.max_total_bytes / MB:g} MB limit"
        self.entries, self.bytes = entries, total
        return ""


@dataclass
class _Walk:
    stage: pathlib.Path
    limits: ZipLimits
    budget: _Budget = field(init=False)
    count: int = 0

    def __post_init__(self):
        self.budget = _Budget(self.limits)

    def copy_out(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, suffix: str) -> pathlib.Path:
        """Stream one entry to the staging folder; zipfile stops at the declared
        size and checks the CRC, so the entry cannot grow past what was admitted."""
        self.count += 1
        target = self.stage / f"{self.count:06d}{suffix}"
        with archive.open(info) as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 * MB)
        return target

    def members(self, archive: zipfile.ZipFile, outer: tuple[str, ...], when: dt.datetime | None,
                depth: int) -> Iterator[Member]:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = entry_name(info)
            chain = outer + (name,)
            stamp = when or _entry_time(info)
            why = refusal(info, name, self.limits)
            if why:
                yield Member(chain, stamp, refused=why)
            elif is_zip(name):
                yield from self.nested(archive, info, chain, stamp, depth + 1)
            elif is_notebook(name) and not clutter(name):
                try:
                    yield Member(chain, stamp, staged=self.copy_out(archive, info, ".ipynb"))
                except (zipfile.BadZipFile, OSError, EOFError) as exc:
                    yield Member(chain, stamp, refused=f"corrupt entry ({exc})")
            else:
                yield Member(chain, stamp)

    def nested(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, chain: tuple[str, ...],
               when: dt.datetime, depth: int) -> Iterator[Member]:
        if depth > self.limits.max_depth:
            yield Member(chain, when, refused=f"a zip nested more than {self.limits.max_depth} deep")
            return
        try:
            inner = zipfile.ZipFile(self.copy_out(archive, info, ".zip"))
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            yield Member(chain, when, refused=f"not a readable zip ({exc})")
            return
        with inner:
            infos = inner.infolist()
            why = self.budget.admit(infos)
            if why:
                yield Member(chain, when, refused=f"nested zip refused: {why}")
                return
            yield from self.members(inner, chain, when, depth)


def walk(archive_path: pathlib.Path, stage: pathlib.Path, limits: ZipLimits = ZipLimits()) -> Iterator[Member]:
    """Every file of the archive (and of zips inside it), notebooks staged under `stage`."""
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise LmsError(f"{archive_path} is not a readable zip file ({exc})") from None
    with archive:
        state = _Walk(pathlib.Path(stage), limits)
        why = state.budget.admit(archive.infolist())
        if why:
            raise ZipLimitError(f"{archive_path} refused, nothing was imported: {why}")
        yield from state.members(archive, (), None, 0)
