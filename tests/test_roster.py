"""Who a submission belongs to: roster CSV and folder-per-student layout (issue 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_lessons.grading.roster import Roster, RosterError, find_submissions, layout_identity, safe_filename

ROSTER = (
    "\ufeffstudent_id,name,email,lms_id,file,deadline\n"
    "2024001,张伟,zw@example.edu,L-1,zhang_wei,2026-12-01\n"
    "2024002,Zoë O'Brien,,L-2,zoe.ipynb;zoe_ch02.ipynb,\n"
    '2024003,"Lee, Ann",,,ann lee,\n'
)


def test_roster_keeps_names_as_written_and_extra_columns(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    roster = Roster.read(path)
    assert len(roster) == 3
    assert roster.get("2024001").name == "张伟"
    assert roster.get("2024002").files == ("zoe.ipynb", "zoe_ch02.ipynb")
    assert roster.get("2024003").name == "Lee, Ann"
    assert roster.get("2024001").extra == {"deadline": "2026-12-01"}


@pytest.mark.parametrize(
    "relative, student",
    [
        ("zhang_wei/ch01.ipynb", "2024001"),
        ("zhang_wei/sub/deeper.ipynb", "2024001"),
        ("zoe_ch02.ipynb", "2024002"),
        ("ann lee/ch01.ipynb", "2024003"),
        ("ann lee.ipynb", "2024003"),
    ],
)
def test_roster_matches_folders_and_files(relative, student):
    assert Roster.from_text(ROSTER).match(Path(relative)).student_id == student


@pytest.mark.parametrize(
    "text, message",
    [
        ("student_id,name,file\n1,a,b\n", "missing column(s) email, lms_id"),
        ("student_id,name,email,lms_id,file\n1,a,,,x\n1,b,,,y\n", "student_id '1' appears twice"),
        ("student_id,name,email,lms_id,file\n1,a,,,x\n2,b,,,x\n", "file 'x' is given for both '1' and '2'"),
        ("student_id,name,email,lms_id,file\n,a,,,x\n", "line 2: column student_id is empty"),
        ("student_id,name,email,lms_id,file\n1,a,,,../x\n", "give a file or folder name, not a path"),
        ("student_id,name,email,lms_id,file\n1,a,,,x,extra\n", "more fields than columns"),
        ("student_id,name,email,lms_id,file\n../1,a,,,x\n", "holds a slash"),
    ],
)
def test_bad_rosters_are_refused_with_the_line(text, message):
    with pytest.raises(RosterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Roster.from_text(text)


def test_ids_depend_on_the_file_only_so_adding_files_rekeys_nobody(tmp_path):
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / "ch01.ipynb").write_text("{}")
    (tmp_path / "张伟.ipynb").write_text("{}")
    before = {s.path: s.student_id for s in find_submissions([tmp_path])}
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "张伟.ipynb").write_text("{}")  # same stem elsewhere: the folder names it
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "x.ipynb").write_text("{}")
    after = {s.path: s.student_id for s in find_submissions([tmp_path])}
    assert all(after[p] == sid for p, sid in before.items())
    assert sorted(after.values()) == ["a", "bob", "张伟"]


def test_layout_identity_and_safe_file_names():
    assert layout_identity(Path("Ann Lee ...ipynb")) == "Ann Lee .."
    assert safe_filename("a/../../b") == "a_.._.._b"
    assert safe_filename("..") == "id_.."
    long = safe_filename("名" * 300)
    assert len(long.encode()) <= 120 and long != safe_filename("名" * 299)
    with pytest.raises(RosterError):
        layout_identity(Path("   .ipynb"))
