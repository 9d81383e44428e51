"""Hostile submissions: each one is graded in one batch next to honest ones.

For every case: the batch finishes, the honest part of the submission earns exactly its points,
the reason is recorded, and the other students' grades are untouched. Chapter 1's exercise has
14 points: widget questions q1-q5 (7 points, read from the saved file) and compute questions
q6 (2), q7 (2), q8 (3) (checked by running the code on freshly generated data).

The batch uses small timeouts (8 s per cell, 30 s per notebook) so the suite stays short.
"""

from __future__ import annotations

import copy
import json
import os
import sqlite3
from pathlib import Path

import pytest

from crm_lessons.exercises import ANSWER_MIME

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "exercises" / "solutions" / "ch01_crm_overview.ipynb"
BLANK = ROOT / "exercises" / "ch01_crm_overview.ipynb"
IS_ROOT = os.geteuid() == 0
FULL = 14.0
#: Seed of the grading data in these tests (production picks one at random).
SEED = 20261123


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _src(cell) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def _find(nb: dict, needle: str) -> int:
    for i, cell in enumerate(nb["cells"]):
        if needle in _src(cell):
            return i
    raise AssertionError(f"no cell contains {needle!r}")


def _code(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}


def _insert_before(nb: dict, needle: str, source: str) -> dict:
    nb = copy.deepcopy(nb)
    nb["cells"].insert(_find(nb, needle), _code(source))
    return nb


def _replace_in(nb: dict, needle: str, old: str, new: str) -> dict:
    nb = copy.deepcopy(nb)
    i = _find(nb, needle)
    src = _src(nb["cells"][i])
    assert old in src, (old, src)
    nb["cells"][i]["source"] = src.replace(old, new)
    return nb


def _sandbox_available(scratch: Path) -> bool:
    """True when kernels can run as users of their own here (root, and the probe succeeds)."""
    if not IS_ROOT:
        return False
    from crm_lessons.data import data_dir
    from crm_lessons.grading import UidPool, probe_isolation, readable_paths

    scratch.mkdir(parents=True, exist_ok=True)
    os.chmod(scratch, 0o711)
    uid, lease = UidPool().acquire()
    try:
        return bool(probe_isolation(readable_paths(data_dir()), scratch, uid))
    finally:
        UidPool.release(lease)


def _cases(out_dir: Path, sandbox: bool = IS_ROOT) -> dict[str, tuple[dict, float, str]]:
    """name -> (notebook, expected points, expected substring of a reason or '')."""
    sol = _load(SOLUTION)
    blank = _load(BLANK)
    q7 = 'ex.check("q7"'
    q8 = 'ex.check("q8"'
    q6 = 'ex.check("q6"'
    cases = {
        "honest_a": (sol, FULL, ""),
        "blank": (blank, 0.0, "not answered"),
        # raises inside a question's cell: that question only
        "raises": (_replace_in(sol, q7, "sales = case.sales", "raise RuntimeError('boom')"), FULL - 2, "RuntimeError: boom"),
        # infinite loop in a question's cell: interrupted, the next cells still run
        "infinite_loop": (_replace_in(sol, q7, "sales = case.sales", "sales = case.sales\nwhile True:\n    pass"), FULL - 2, "too long"),
        # a loop that ignores the interrupt: the notebook deadline kills it, earlier answers stay
        "loop_ignoring_interrupt": (
            _insert_before(sol, q8, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"),
            FULL - 3,
            "",
        ),
        # the kernel exits or is killed: points earned before it died are kept
        "os_exit": (_insert_before(sol, q8, "import os\nos._exit(0)"), FULL - 3, "kernel died"),
        "kill_kernel": (_insert_before(sol, q8, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"), FULL - 3, "kernel died"),
        # sys.exit is caught by IPython: a failed non-question cell costs nothing
        "sys_exit": (_insert_before(sol, q8, "import sys\nsys.exit(3)"), FULL, ""),
        # tens of GB: MemoryError under the memory cap, in a cell of its own
        "allocate_30gb": (_insert_before(sol, q8, "hog = bytearray(30 * 2**30)"), FULL, ""),
        "allocate_slowly": (
            _insert_before(sol, q8, "hog = []\nwhile True:\n    hog.append(bytearray(200 * 2**20))"),
            FULL,
            "",
        ),
        # 100 MB of output: kept to the cap, the rest dropped, grading unaffected
        "print_100mb": (_insert_before(sol, q8, "print('x' * 100_000_000)"), FULL, "output over the limit"),
        # monkeypatching the checker in the kernel: the kernel says correct, the grader does not
        "monkeypatch_checks": (
            _replace_in(
                sol,
                q6,
                'ex.check("q6", answer_q6)',
                "import crm_lessons.exercises as E\n"
                "E.compare_plain = lambda *a, **k: (1.0, 'correct')\n"
                "E.Compute.score = lambda self, a, r: (1.0, 'correct')\n"
                "answer_q6 = 42\n"
                'ex.check("q6", answer_q6)',
            ),
            FULL - 2,
            "",
        ),
        # a redefined check that forges a record with a value from the student's own data
        "redefined_check": (
            _replace_in(
                sol,
                q7,
                'ex.check("q7", answer_q7)',
                "from IPython.display import display\n"
                "def forged(qid, value):\n"
                f"    display({{{ANSWER_MIME!r}: {{'format': 1, 'exercise': 'ch01', 'question': qid, 'source': 'run', 'answer': 0.8080436690317551}}}}, raw=True)\n"
                "real_check, ex.check = ex.check, forged\n"
                'ex.check("q7", answer_q7)\n'
                "ex.check = real_check",
            ),
            FULL - 2,
            "",
        ),
        # objects that claim to equal anything
        "always_equal": (
            _replace_in(
                _replace_in(
                    sol,
                    q7,
                    'ex.check("q7", answer_q7)',
                    "class Yes(float):\n    def __eq__(self, other):\n        return True\n    __hash__ = float.__hash__\n"
                    'ex.check("q7", Yes(0.1))',
                ),
                q6,
                'ex.check("q6", answer_q6)',
                "class Anything:\n    def __eq__(self, other):\n        return True\n"
                'ex.check("q6", Anything())',
            ),
            FULL - 4,
            "",
        ),
        # deleted question and check cells cost their questions only
        "deleted_cells": (_delete(_delete(sol, 'ex.ask("q2")'), q6), FULL - 4, "missing"),
        # edited cells: a record claiming 100 points, a check cell handing in a wrong function
        "edited_cells": (_edited(sol), FULL - 3, ""),
        # parameters cell without its tag: papermill injects the parameters at the top
        "parameters_untagged": (_untag_parameters(sol), FULL, ""),
        # parameters cell pointed at the shipped data: values computed on the wrong data fail;
        # the function q8 is still right on the fixed test table (half of its cases)
        "parameters_shipped_data": (
            _replace_in(_untag_parameters(sol), "data_dir = None", "data_dir = None", f"data_dir = {str(ROOT / 'datasets')!r}"),
            FULL - 4 - 1.5,
            "right on 1 of 2 test cases",
        ),
        # values read from files outside its folder (the solution notebook, other folders)
        "read_outside": (_read_outside(sol), FULL - 4, ""),
        # detects grading and answers the widget questions only then
        "detect_grading": (_detect_grading(blank, sol), 7.0, ""),
    }
    if sandbox:
        cases["write_gradebook"] = (_write_gradebook(sol, out_dir), FULL, "")
        cases["kill_parent"] = (_insert_before(sol, q8, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"), FULL, "")
    return cases


def _delete(nb: dict, needle: str) -> dict:
    nb = copy.deepcopy(nb)
    del nb["cells"][_find(nb, needle)]
    return nb


def _edited(sol: dict) -> dict:
    nb = copy.deepcopy(sol)
    i = _find(nb, 'ex.ask("q1")')
    for out in nb["cells"][i]["outputs"]:
        if ANSWER_MIME in out.get("data", {}):
            out["data"][ANSWER_MIME]["points"] = 100  # the bank's points count, not the record's
    return _replace_in(nb, 'ex.check("q8"', 'ex.check("q8", revenue_by_year)', 'ex.check("q8", lambda sales: None)')


def _untag_parameters(sol: dict) -> dict:
    nb = copy.deepcopy(sol)
    i = _find(nb, "data_dir = None")
    nb["cells"][i]["metadata"]["tags"] = []
    return nb


def _read_outside(sol: dict) -> dict:
    steal = (
        "import glob, json, os\n"
        "stolen = {}\n"
        f"for path in glob.glob({str(ROOT / 'exercises' / '**' / '*.ipynb')!r}, recursive=True) + glob.glob(os.path.dirname(os.path.dirname(os.getcwd())) + '/**/*.ipynb', recursive=True):\n"
        "    try:\n"
        "        nb = json.load(open(path))\n"
        "    except Exception:\n"
        "        continue\n"
        "    for cell in nb['cells']:\n"
        "        for out in cell.get('outputs', []):\n"
        f"            rec = out.get('data', {{}}).get({ANSWER_MIME!r})\n"
        "            if rec and rec.get('answer') is not None:\n"
        "                stolen[rec['question']] = rec['answer']\n"
        "try:\n"
        "    import os\n"
        "    print(len(os.listdir(os.path.dirname(os.getcwd()))))\n"
        "except OSError:\n"
        "    pass\n"
    )
    nb = _insert_before(sol, 'customers = case.customers', steal)
    nb = _replace_in(nb, 'ex.check("q6"', 'ex.check("q6", answer_q6)',
                     "import pandas as pd\ns = stolen['q6']['__series__']\n"
                     "answer_q6 = pd.Series(s['values'], index=s['index'])\nex.check(\"q6\", answer_q6)")
    return _replace_in(nb, 'ex.check("q7"', 'ex.check("q7", answer_q7)', "answer_q7 = stolen['q7']\nex.check(\"q7\", answer_q7)")


def _detect_grading(blank: dict, sol: dict) -> dict:
    # blank widget answers in the file; in grading, answer everything "right" at run time
    nb = copy.deepcopy(blank)
    cheat = (
        "import os\n"
        "if os.environ.get('CRM_LESSONS_DATA') or os.getuid() != 0:\n"
        "    for q, a in [('q1', 'analytical'), ('q4', 'develop the marketing concept'), ('q5', 'performance management')]:\n"
        "        ex.answer(q, a)\n"
    )
    nb["cells"].insert(_find(nb, 'ex.start("ch01"') + 1, _code(cheat))
    # the honest part: the compute answers, copied from the solution
    for needle in ('ex.check("q6"', 'ex.check("q7"', 'ex.check("q8"'):
        nb["cells"][_find(nb, needle)]["source"] = _src(sol["cells"][_find(sol, needle)])
    return nb


def _write_gradebook(sol: dict, out_dir: Path) -> dict:
    vandal = (
        "import os, glob\n"
        f"for path in [{str(out_dir / 'gradebook.csv')!r}, {str(out_dir / 'gradebook.sqlite')!r}] + glob.glob({str(out_dir / 'feedback' / '*')!r}):\n"
        "    try:\n"
        "        with open(path, 'w') as f:\n"
        "            f.write('honest_a,ch01,0,14')\n"
        "    except OSError:\n"
        "        pass\n"
        "try:\n"
        f"    open({str(out_dir / 'extra.txt')!r}, 'w').write('x')\n"
        "except OSError:\n"
        "    pass\n"
    )
    return _insert_before(sol, 'ex.check("q8"', vandal)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    from crm_lessons.grading import grade

    subs = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("graded") / "out"
    cases = _cases(out, _sandbox_available(tmp_path_factory.mktemp("probe")))
    for name, (nb, _, _) in cases.items():
        (subs / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    # an honest student graded last too, so damage done by earlier kernels would show
    (subs / "zz_honest.ipynb").write_text(json.dumps(_load(SOLUTION)), encoding="utf-8")
    # a fixed seed keeps the suite deterministic (a random one could make a count coincide by chance)
    results = grade([subs], out, seed=SEED, cell_timeout=8, notebook_timeout=30, memory_mb=1024, workers=3, progress=False)
    return cases, {r.student: r for r in results}, out


def test_batch_finishes_with_every_submission(batch):
    cases, results, out = batch
    assert set(results) == set(cases) | {"zz_honest"}
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == len(cases) + 1


@pytest.mark.parametrize("name", [
    "honest_a", "blank", "raises", "infinite_loop", "loop_ignoring_interrupt", "os_exit", "kill_kernel",
    "sys_exit", "allocate_30gb", "allocate_slowly", "print_100mb", "monkeypatch_checks", "redefined_check",
    "always_equal", "deleted_cells", "edited_cells", "parameters_untagged", "parameters_shipped_data",
    "read_outside", "detect_grading", "write_gradebook", "kill_parent",
])
def test_honest_part_earns_exactly_its_points(batch, name):
    cases, results, _ = batch
    if name not in cases:
        pytest.skip("needs kernels running as users of their own (root, and a working sandbox)")
    _, expected, reason = cases[name]
    r = results[name]
    detail = [(q.question, q.points, q.reason) for q in r.questions]
    assert r.points == pytest.approx(expected), detail
    if reason:
        text = " ".join([r.reason] + [q.reason for q in r.questions])
        assert reason in text, (r.reason, detail)


def test_reasons_name_what_went_wrong(batch):
    _, results, _ = batch
    assert "RuntimeError: boom" in results["raises"].questions[6].reason
    assert "interrupted" in results["infinite_loop"].questions[6].reason
    assert results["os_exit"].status == "partly run"
    assert "kernel died" in results["os_exit"].questions[7].reason
    assert "longer than" in results["loop_ignoring_interrupt"].reason or "died" in results["loop_ignoring_interrupt"].reason
    assert "question cell is missing" in results["deleted_cells"].questions[1].reason
    assert "check cell for this question is missing" in results["deleted_cells"].questions[5].reason


def test_other_students_untouched(batch):
    _, results, out = batch
    assert results["zz_honest"].points == FULL
    assert results["honest_a"].points == FULL
    rows = (out / "gradebook.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("student,exercise,points")
    honest = [r for r in rows if r.startswith("honest_a,")]
    assert honest == ["honest_a,ch01,14,14,100.0,graded,"]
    assert not (out / "extra.txt").exists()
    assert "<h1>Exercise ch01: 14 of 14 points</h1>" in (out / "feedback" / "honest_a_ch01.html").read_text(encoding="utf-8")


def test_no_kernel_outlives_the_batch(batch):
    _, results, _ = batch
    uids = {r.uid for r in results.values() if r.uid is not None}
    if IS_ROOT and "write_gradebook" in batch[0]:
        assert len(uids) == len(results)  # every kernel ran as a user of its own
    leftovers = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid in uids:
                    leftovers.append(entry)
            except OSError:
                continue
    assert leftovers == []
