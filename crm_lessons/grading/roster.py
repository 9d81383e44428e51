"""Who a submission belongs to: a class roster, or the folder-per-student layout.

A grade must land on the right student, and stay there. The student id of a submission is
decided by the submission itself and the roster, never by which other files happen to be in
the batch, so resuming a batch or adding a late file never re-keys another student.

Roster file (CSV, UTF-8, with or without a byte-order mark)
------------------------------------------------------------
Required columns, in any order:

``student_id``
    The stable key of the student (the gradebook's ``student`` column). Kept as written
    (Chinese and other non-ASCII text is fine); must be unique and not empty.
``name``
    The student's name as written (``张伟``, ``Zoë O'Brien``), shown in reports.
``email``
    May be empty.
``lms_id``
    The id the LMS import expects (may be empty; then the student id is used).
``file``
    Which submission is the student's: a notebook file name (``zhang_wei_ch01.ipynb``) or,
    for the folder-per-student layout, the name of the student's folder (``zhang_wei``). Several
    names may be given separated by ``;`` (one per exercise, say). Matched against the
    submission's path below the submissions folder given on the command line: the first
    folder of that path, or the file's own name.

Any further columns (``deadline``, ``extension_days``, ...) are kept in
:attr:`RosterEntry.extra` as text, for other tools; this module gives them no meaning.

Without a roster (:func:`layout_identity`)
------------------------------------------
* ``SUBMISSIONS/<student>/<anything>.ipynb`` (folder per student): the student id is the
  folder's name;
* ``SUBMISSIONS/<student>.ipynb`` or a file named on the command line: the file's stem.

Ids are kept as written (NFC-normalised); :func:`safe_filename` makes a file-system-safe,
bounded name from any id (for feedback pages), so very long names, spaces, ``..``, slashes
and control characters are harmless.

Examples
--------
>>> import io
>>> roster = Roster.from_text(
...     "student_id,name,email,lms_id,file\\n"
...     "2024001,张伟,zw@example.edu,L-1,zhang_wei\\n"
...     "2024002,Ann Lee,,L-2,ann lee.ipynb\\n")
>>> roster.match(Path("zhang_wei/ch01_crm_overview.ipynb")).name
'张伟'
>>> roster.match(Path("ann lee.ipynb")).student_id
'2024002'
>>> roster.match(Path("mallory.ipynb")) is None
True
>>> layout_identity(Path("张伟/ch01.ipynb")), layout_identity(Path("Ann Lee.ipynb"))
('张伟', 'Ann Lee')
>>> safe_filename("../../etc/passwd")
'id_.._.._etc_passwd'
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

#: Columns a roster must have.
REQUIRED_COLUMNS = ("student_id", "name", "email", "lms_id", "file")
#: Longest student id kept (characters); longer ones are refused with a message.
MAX_ID_CHARS = 200
#: Longest file-name part made by :func:`safe_filename` (bytes of UTF-8).
MAX_FILENAME_BYTES = 120


class RosterError(ValueError):
    """A roster file that cannot be used (the message names the line and column)."""


@dataclass(frozen=True)
class RosterEntry:
    """One student of the roster."""

    student_id: str
    name: str
    email: str = ""
    lms_id: str = ""
    files: tuple = ()
    #: further columns of the roster (deadline, extension, ...), as text
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def file(self) -> str:
        """The ``file`` column as written (names joined by ``;``)."""
        return ";".join(self.files)


def normalise(text: str) -> str:
    """NFC form with surrounding white space removed (the form ids and names are kept in).

    Examples
    --------
    >>> normalise("  Zoe\\u0308 ") == "Zoë"
    True
    """
    return unicodedata.normalize("NFC", str(text)).strip()


def safe_filename(student_id: str, max_bytes: int = MAX_FILENAME_BYTES) -> str:
    """A file-name part made from any student id: no separators, no control characters, never
    ``.``/``..`` or hidden, at most ``max_bytes`` bytes (a long id keeps a hash of the whole).

    Letters of any script are kept (``张伟`` stays ``张伟``); white space becomes ``_``.

    Examples
    --------
    >>> safe_filename("张伟"), safe_filename("Ann Lee"), safe_filename(".."), safe_filename("")
    ('张伟', 'Ann_Lee', 'id_..', 'id_')
    >>> len(safe_filename("x" * 500).encode())
    120
    """
    text = normalise(student_id)
    text = "".join("_" if (unicodedata.category(ch)[0] in "CZ" or ch in '/\\:*?"<>|') else ch for ch in text)
    if not text or set(text) <= {"."} or text.startswith("."):
        text = "id_" + text
    data = text.encode("utf-8")
    if len(data) > max_bytes:
        digest = hashlib.sha256(normalise(student_id).encode("utf-8")).hexdigest()[:12]
        keep = data[: max_bytes - len(digest) - 1].decode("utf-8", errors="ignore")
        text = f"{keep}~{digest}"
    return text


def layout_identity(relative: Path) -> str:
    """Student id of a submission without a roster: its first folder, else the file's stem.

    ``relative`` is the path below the submissions folder (or just the file name for a file
    named on the command line).
    """
    parts = Path(relative).parts
    raw = parts[0] if len(parts) > 1 else Path(parts[-1]).stem if parts else ""
    sid = normalise(raw)
    if not sid:
        raise RosterError(f"submission {relative}: cannot tell whose it is (empty name)")
    return sid[:MAX_ID_CHARS]


class Roster:
    """The class list: student id -> :class:`RosterEntry`, and file/folder name -> student."""

    def __init__(self, entries: list[RosterEntry], source: str = "roster"):
        self.source = source
        self.entries: dict[str, RosterEntry] = {}
        self._by_name: dict[str, RosterEntry] = {}
        for e in entries:
            if e.student_id in self.entries:
                raise RosterError(
                    f"{source}: student_id {e.student_id!r} appears twice; every student needs one row"
                )
            self.entries[e.student_id] = e
            for name in e.files:
                other = self._by_name.get(name)
                if other is not None and other.student_id != e.student_id:
                    raise RosterError(
                        f"{source}: file {name!r} is given for both {other.student_id!r} and "
                        f"{e.student_id!r}; "
                        "give every student their own file or folder name"
                    )
                self._by_name[name] = e

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries.values())

    def get(self, student_id: str) -> RosterEntry | None:
        return self.entries.get(normalise(student_id))

    @classmethod
    def read(cls, path) -> Roster:
        """Read a roster CSV (see the module notes). Raises :class:`RosterError` with the line."""
        p = Path(path)
        try:
            text = p.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            raise RosterError(f"roster: cannot read {p}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise RosterError(f"roster: {p} is not UTF-8 text; save it as CSV UTF-8") from None
        return cls.from_text(text, source=str(p))

    @classmethod
    def from_text(cls, text: str, source: str = "roster") -> Roster:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        header = [normalise(h) for h in (reader.fieldnames or [])]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise RosterError(
                f"{source}: missing column(s) {', '.join(missing)}; the header must name "
                f"{', '.join(REQUIRED_COLUMNS)} (found: {', '.join(header) or 'nothing'})"
            )
        reader.fieldnames = header
        entries = []
        for line_no, row in enumerate(reader, start=2):
            if row.get(None):
                raise RosterError(
                    f"{source}, line {line_no}: more fields than columns; quote values holding commas"
                )
            values = {k: normalise(v or "") for k, v in row.items() if k is not None}
            if not any(values.values()):
                continue  # blank line
            sid = values["student_id"]
            if not sid:
                raise RosterError(f"{source}, line {line_no}: column student_id is empty")
            if any(ch in sid for ch in "/\\") or any(unicodedata.category(ch) == "Cc" for ch in sid):
                raise RosterError(
                    f"{source}, line {line_no}: student_id {sid!r} holds a slash or a control "
                    "character; use letters, digits and dashes"
                )
            if len(sid) > MAX_ID_CHARS:
                raise RosterError(
                    f"{source}, line {line_no}: student_id is longer than {MAX_ID_CHARS} characters"
                )
            files = tuple(normalise(f) for f in values["file"].split(";") if normalise(f))
            for f in files:
                if "/" in f or "\\" in f or f in (".", ".."):
                    raise RosterError(
                        f"{source}, line {line_no}: column file holds {f!r}; "
                        "give a file or folder name, not a path"
                    )
            extra = {k: v for k, v in values.items() if k not in REQUIRED_COLUMNS}
            entries.append(RosterEntry(sid, values["name"], values["email"], values["lms_id"], files, extra))
        return cls(entries, source)

    def match(self, relative: Path) -> RosterEntry | None:
        """The student a submission belongs to, from its path below the submissions folder.

        The first folder of the path is tried first (folder per student), then the file's
        name, then its stem. ``None`` when the roster names neither.
        """
        parts = Path(relative).parts
        if not parts:
            return None
        candidates = []
        if len(parts) > 1:
            candidates.append(parts[0])
        candidates += [parts[-1], Path(parts[-1]).stem]
        for c in candidates:
            hit = self._by_name.get(normalise(c))
            if hit is not None:
                return hit
        return None


def read_roster(path) -> Roster:
    """Shortcut for :meth:`Roster.read`."""
    return Roster.read(path)


@dataclass(frozen=True)
class Submission:
    """One submission file and whose it is."""

    path: Path
    #: path below the submissions folder it was found in (the file name for a file argument)
    relative: Path
    student_id: str
    name: str = ""
    lms_id: str = ""
    #: False when a roster was given and does not name this file (graded, but flagged)
    on_roster: bool = True


def find_submissions(items, roster: Roster | None = None) -> list[Submission]:
    """Every ``*.ipynb`` named directly or found below the folders given, with its owner.

    Checkpoint folders and hidden folders (``.ipynb_checkpoints``, ``.crm_answers``) are
    skipped. Raises ``FileNotFoundError`` for a name that is neither file nor folder.
    """
    found: list[tuple[Path, Path]] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            for q in sorted(p.rglob("*.ipynb")):
                rel = q.relative_to(p)
                if any(part.startswith(".") for part in rel.parts[:-1]) or not q.is_file():
                    continue
                found.append((q, rel))
        elif p.is_file():
            found.append((p, Path(p.name)))
        else:
            raise FileNotFoundError(f"submissions: {p} is neither a notebook file nor a folder")
    seen = set()
    subs = []
    for path, rel in found:
        key = path.resolve()
        if key in seen:
            continue
        seen.add(key)
        entry = roster.match(rel) if roster is not None else None
        if entry is not None:
            lms = entry.lms_id or entry.student_id
            subs.append(Submission(path, rel, entry.student_id, entry.name, lms, True))
        else:
            sid = layout_identity(rel)
            subs.append(Submission(path, rel, sid, sid, sid, roster is None))
    return subs


__all__ = [
    "REQUIRED_COLUMNS",
    "Roster",
    "RosterEntry",
    "RosterError",
    "Submission",
    "find_submissions",
    "layout_identity",
    "normalise",
    "read_roster",
    "safe_filename",
]
