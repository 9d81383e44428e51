"""Hostile submissions: each one is graded in one batch next to honest ones (issues 6 and 9).

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

from crm_lessons.exercises import ANSWER_MIME, get_exercise

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "exercises" / "solutions" / "ch01_crm_overview.ipynb"
BLANK = ROOT / "exercises" / "ch01_crm_overview.ipynb"
IS_ROOT = os.geteuid() == 0
#: ch01's automatic points (its written question waits for the instructor's marks)
FULL = float(sum(q.points for q in get_exercise("ch01").questions if q.source != "written"))
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


def _blank_with(blank: dict, setup: str, checks: dict[str, str]) -> dict:
    """A copy of ``blank`` running ``setup`` right after ``ex.start("ch01")``, its ``ex.check`` cells
    of ``checks`` (question -> new cell source) replaced."""
    nb = copy.deepcopy(blank)
    nb["cells"].insert(_find(nb, 'ex.start("ch01"') + 1, _code(setup))
    for q, source in checks.items():
        nb["cells"][_find(nb, f'ex.check("{q}"')]["source"] = source
    return nb


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
    """True when kernels get the full sandbox here (root, bubblewrap, cgroups; the probe succeeds)."""
    from crm_lessons.data import data_dir
    from crm_lessons.grading import readable_paths
    from crm_lessons.grading.sandbox import probe

    scratch.mkdir(parents=True, exist_ok=True)
    return probe(readable_paths(data_dir()), scratch).available


def _cases(out_dir: Path, sandbox: bool = IS_ROOT, port: int = 9) -> dict[str, tuple[dict, float, str]]:
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
        "raises": (
            _replace_in(sol, q7, "sales = case.sales", "raise RuntimeError('boom')"),
            FULL - 2,
            "RuntimeError: boom",
        ),
        # infinite loop in a question's cell: interrupted, the next cells still run
        "infinite_loop": (
            _replace_in(sol, q7, "sales = case.sales", "sales = case.sales\nwhile True:\n    pass"),
            FULL - 2,
            "too long",
        ),
        # a loop that ignores the interrupt: the notebook deadline kills it, earlier answers stay
        "loop_ignoring_interrupt": (
            _insert_before(
                sol, q8, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
            ),
            FULL - 3,
            "",
        ),
        # the kernel exits or is killed: points earned before it died are kept
        "os_exit": (_insert_before(sol, q8, "import os\nos._exit(0)"), FULL - 3, "kernel died"),
        "kill_kernel": (
            _insert_before(sol, q8, "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"),
            FULL - 3,
            "kernel died",
        ),
        # sys.exit is caught by IPython: a failed non-question cell costs nothing
        "sys_exit": (_insert_before(sol, q8, "import sys\nsys.exit(3)"), FULL, ""),
        # tens of GB: MemoryError under the memory cap, in a cell of its own
        "allocate_30gb": (_insert_before(sol, q8, "hog = bytearray(30 * 2**30)"), FULL, ""),
        "allocate_slowly": (
            _insert_before(sol, q8, "hog = []\nwhile True:\n    hog.append(bytearray(200 * 2**20))"),
            FULL,
            "",
        ),
        # 100 MB of output: grading unaffected (in the sandbox the memory limit usually stops the
        # kernel from even sending it; otherwise it is cut to the cap)
        "print_100mb": (_insert_before(sol, q8, "print('x' * 100_000_000)"), FULL, ""),
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
                f"    display({{{ANSWER_MIME!r}: {{'format': 1, 'exercise': 'ch01', 'question': qid, "
                f"'source': 'run', 'answer': 0.8080436690317551}}}}, raw=True)\n"
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
                    "class Yes(float):\n    def __eq__(self, other):\n        return True\n"
                    "    __hash__ = float.__hash__\n"
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
            _replace_in(
                _untag_parameters(sol),
                "data_dir = None",
                "data_dir = None",
                f"data_dir = {str(ROOT / 'datasets')!r}",
            ),
            # in the sandbox the shipped data is not there: datasets/ holds the hidden data
            FULL if sandbox else FULL - 4 - 1.5,
            "" if sandbox else "right on 1 of 2 test cases",
        ),
        # values read from files outside its folder (the solution notebook, other folders)
        "read_outside": (_read_outside(sol), FULL - 4, ""),
        # detects grading and answers the widget questions only then
        "detect_grading": (_detect_grading(blank, sol), 7.0, ""),
    }
    # --- issue 9: bounded grader cost, forged records, malformed files (with or without a sandbox)
    cases["forged_records"] = (_forged_records(blank), 1.0, "")
    cases["display_flood"] = (_insert_before(sol, q8, DISPLAY_FLOOD), FULL, "output over the limit")
    cases["huge_answers"] = (_huge_answers(sol), FULL - 4, "too large to compare")
    # an honest notebook printing 2 MB in many lines: capped, every cell still runs, "graded"
    many_lines = "for i in range(40000):\n    print('line', i, 'x' * 40)"
    cases["prints_a_lot"] = (_insert_before(sol, q8, many_lines), FULL, "output over the limit")
    if sandbox:
        cases["write_gradebook"] = (_write_gradebook(sol, out_dir), FULL, "")
        # the kernel's parent is outside its PID namespace: getppid() is 0, and kill(0) hits only
        # its own process group, so the kernel kills itself (q8 lost) and nothing of the grader
        kill = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"
        cases["kill_parent"] = (_insert_before(sol, q8, kill), FULL - 3, "kernel died")
        # --- issue 9: what only the sandbox stops (the key and solutions are on this disk)
        cases["import_key"] = (_steal_key(blank), 0.0, "")
        cases["run_solutions"] = (_run_solutions(blank), 0.0, "")
        probe = PROBE_NEIGHBOURS.replace("PORT", str(port))
        cases["probe_neighbours"] = (_sabotage_if(sol, probe), FULL, "")
        cases["survivors"] = (_insert_before(sol, q8, SURVIVORS), FULL, "")
        cases["tmp_leftovers"] = (_sabotage_if(sol, TMP_LEFTOVERS), FULL, "")
        cases["memory_in_children"] = (_sabotage_if(sol, MEMORY_IN_CHILDREN), FULL, "")
        cases["many_children"] = (_append(sol, MANY_CHILDREN), FULL, "")
    return cases


#: Code that sets ``escaped = True`` when the sandbox let it see or reach what it must not.
PROBE_NEIGHBOURS = f"""
import glob, os, socket
escaped = False
for pid in [p for p in os.listdir('/proc') if p.isdigit() and int(p) != os.getpid()]:
    try:
        cmd = open(f'/proc/{{pid}}/cmdline', 'rb').read()
    except OSError:
        continue
    first = cmd.split(b'\\0')[0].rsplit(b'/', 1)[-1]
    if first not in (b'bwrap', b'sleep', b'sh') and (b'pytest' in cmd or b'python' in cmd):
        escaped = True  # the grader, the zygote, another kernel (only bubblewrap and its placeholder)
if len(glob.glob('/tmp/crm-grading-*/*/sockets')) > 1 or glob.glob('/tmp/crm-grading-*/*/sockets/*'):
    escaped = True  # other kernels' sockets (or even its own, which is root's)
for path in [{str(ROOT / "exercises")!r}, {str(ROOT / "README.md")!r}, '/root/.bash_history']:
    if os.path.exists(path):
        escaped = True
try:
    socket.create_connection(('127.0.0.1', PORT), timeout=2).close()
    escaped = True  # the grader's network
except OSError:
    pass
"""
TMP_LEFTOVERS = """
import os
escaped = os.path.exists('/tmp/crm_hostile_leak') or os.path.exists('/dev/shm/crm_hostile_leak')
for path in ('/tmp/crm_hostile_leak', '/dev/shm/crm_hostile_leak'):
    with open(path, 'wb') as f:
        f.write(b'x' * (8 << 20))
"""
MEMORY_IN_CHILDREN = """
import os, select, time
ready_r, ready_w = os.pipe()
go_r, go_w = os.pipe()
kids = []
for i in range(5):
    pid = os.fork()
    if pid == 0:
        try:
            os.close(go_w)
            hog = b'x' * (260 << 20)  # 5 x 260 MB touched, each child under its own rlimit
            os.write(ready_w, b'.')
            os.read(go_r, 1)  # hold it until every child holds its share
            os._exit(0)
        except BaseException:
            os._exit(1)
    kids.append(pid)
held, ended, deadline = 0, {}, time.monotonic() + 6
while held + len(ended) < len(kids) and time.monotonic() < deadline:
    if select.select([ready_r], [], [], 0.1)[0]:
        held += len(os.read(ready_r, 16))
    for pid in kids:  # a child killed for memory before it held its share
        if pid not in ended and os.waitpid(pid, os.WNOHANG)[0]:
            ended[pid] = False
os.close(go_w)  # let them go
survived = 0
for pid in kids:
    if pid in ended:
        continue
    _, status = os.waitpid(pid, 0)
    survived += os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
escaped = held == len(kids) and survived == len(kids)  # 1.3 GB held at once: no limit over the children
"""
SURVIVORS = """
import os, subprocess
subprocess.Popen(['sleep', '4321'], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp('sleep', ['sleep', '4322'])
    os._exit(0)
"""
MANY_CHILDREN = """
import os, signal, time
kids = []
for i in range(400):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(60)
        os._exit(0)
    kids.append(pid)
for pid in kids:
    os.kill(pid, signal.SIGKILL)
for pid in kids:
    os.waitpid(pid, 0)
if len(kids) >= 300:
    ex.check("q8", lambda sales: None)  # no process limit: give up q8's points to show it
for i in range(60):  # then busy children, left running: they must not slow the neighbours
    try:
        if os.fork() == 0:
            while True:
                pass
    except OSError:
        break
"""
DISPLAY_FLOOD = """
from IPython.display import display, update_display
display({'text/plain': 'start'}, raw=True, display_id='flood')
for i in range(300):
    update_display({'text/plain': 'y' * 100_000}, raw=True, display_id='flood')
"""


def _append(nb: dict, source: str) -> dict:
    nb = copy.deepcopy(nb)
    nb["cells"].append(_code(source))
    return nb


def _sabotage_if(sol: dict, probe: str) -> dict:
    """The solution with ``probe`` in q7's cell, which hands in a wrong q7 if ``escaped``."""
    return _replace_in(
        sol,
        'ex.check("q7"',
        'ex.check("q7", answer_q7)',
        probe + '\nif escaped:\n    answer_q7 = 0.0\nex.check("q7", answer_q7)',
    )


def _forged_records(blank: dict) -> dict:
    """A graded-release notebook whose saved outputs claim points and carry compute answers."""
    nb = copy.deepcopy(blank)
    forged = {
        "format": 1,
        "exercise": "ch01",
        "question": "q1",
        "source": "widget",
        "answer": "analytical",
        "points": 100,
        "status": "correct",
        "score": 1.0,
    }
    run = [
        {"format": 1, "exercise": "ch01", "question": q, "source": "run", "answer": v, "points": 9}
        for q, v in (("q6", {"__series__": {"index": ["consumer"], "values": [1]}}), ("q7", 0.8))
    ]
    cell = nb["cells"][_find(nb, 'ex.ask("q1")')]
    cell["outputs"] = [
        {"output_type": "display_data", "metadata": {}, "data": {ANSWER_MIME: rec, "text/plain": "ok"}}
        for rec in [forged, *run]
    ]
    nb["metadata"]["crm_lessons"]["points"] = 100
    return nb


def _huge_answers(sol: dict) -> dict:
    """Answer records built to be expensive: 2 M entries (dropped unread), 1 M entries (not compared)."""

    def forged(qid, n):
        return (
            "from IPython.display import display\n"
            f"rec = {{'format': 1, 'exercise': 'ch01', 'question': {qid!r}, 'source': 'run', "
            f"'answer': list(range({n}))}}\n"
            "display({'text/plain': 'x'}, raw=True, transient={'crm_lessons_answer': rec})"
        )

    nb = _replace_in(sol, 'ex.check("q6"', 'ex.check("q6", answer_q6)', forged("q6", 2_000_000))
    return _replace_in(nb, 'ex.check("q7"', 'ex.check("q7", answer_q7)', forged("q7", 1_000_000))


def _steal_key(blank: dict) -> dict:
    """Every way to the key: the session's references, the question objects, the repository's key."""
    steal = (
        "import importlib.util\n"
        "from crm_lessons import exercises as E\n"
        "stolen = {}\n"
        "s = E._session()\n"
        "for q in s.exercise.questions:\n"
        "    for get in (lambda: s.reference(q), lambda: q.reference(s.data), lambda: q.key()):\n"
        "        try:\n"
        "            r = get()\n"
        "        except Exception:\n"
        "            r = None\n"
        "        if r is not None:\n"
        "            stolen[q.id] = ('plain', r)\n"
        f"for path in [{str(ROOT / 'exercises' / 'key' / 'ch01.py')!r}, "
        "E.__file__.replace('crm_lessons/exercises.py', 'exercises/key/ch01.py')]:\n"
        "    try:\n"
        "        spec = importlib.util.spec_from_file_location('k', path)\n"
        "        m = importlib.util.module_from_spec(spec)\n"
        "        spec.loader.exec_module(m)\n"
        "        stolen.update({k: ('key', v) for k, v in m.REFERENCES.items()})\n"
        "    except Exception:\n"
        "        pass\n"
        "def use(qid):\n"
        "    kind, v = stolen.get(qid, ('none', None))\n"
        "    if kind == 'key' and qid in ('q6', 'q7'):\n"
        "        return v(case)\n"
        "    if kind == 'plain' and isinstance(v, dict) and '__series__' in v:\n"
        "        import pandas as pd\n"
        "        return pd.Series(v['__series__']['values'], index=v['__series__']['index'])\n"
        "    return v\n"
    )
    return _blank_with(blank, steal, {q: f'ex.check("{q}", use("{q}"))' for q in ("q6", "q7", "q8")})


def _run_solutions(blank: dict) -> dict:
    """Execute the solution notebook's cells (readable on this disk, not in the sandbox)."""
    run = (
        "import json\n"
        "try:\n"
        f"    solution = json.load(open({str(SOLUTION)!r}))\n"
        "except OSError:\n"
        "    solution = {'cells': []}\n"
        "for cell in solution['cells']:\n"
        "    src = ''.join(cell['source'])\n"
        "    if cell['cell_type'] == 'code' and 'answer_q' in src or 'def revenue_by_year' in src:\n"
        "        exec('\\n'.join(l for l in src.splitlines() if 'ex.check' not in l), globals())\n"
    )
    names = {"q6": "answer_q6", "q7": "answer_q7", "q8": "revenue_by_year"}
    return _blank_with(blank, run, {q: f'ex.check("{q}", globals().get("{n}"))' for q, n in names.items()})


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
    return _replace_in(
        nb, 'ex.check("q8"', 'ex.check("q8", revenue_by_year)', 'ex.check("q8", lambda sales: None)'
    )


def _untag_parameters(sol: dict) -> dict:
    nb = copy.deepcopy(sol)
    i = _find(nb, "data_dir = None")
    nb["cells"][i]["metadata"]["tags"] = []
    return nb


def _read_outside(sol: dict) -> dict:
    steal = (
        "import glob, json, os\n"
        "stolen = {}\n"
        f"for path in glob.glob({str(ROOT / 'exercises' / '**' / '*.ipynb')!r}, recursive=True)"
        " + glob.glob(os.path.dirname(os.path.dirname(os.getcwd()))"
        " + '/**/*.ipynb', recursive=True):\n"
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
    nb = _insert_before(sol, "customers = case.customers", steal)
    nb = _replace_in(
        nb,
        'ex.check("q6"',
        'ex.check("q6", answer_q6)',
        "import pandas as pd\ns = stolen['q6']['__series__']\n"
        "answer_q6 = pd.Series(s['values'], index=s['index'])\nex.check(\"q6\", answer_q6)",
    )
    return _replace_in(
        nb,
        'ex.check("q7"',
        'ex.check("q7", answer_q7)',
        "answer_q7 = stolen['q7']\nex.check(\"q7\", answer_q7)",
    )


def _detect_grading(blank: dict, sol: dict) -> dict:
    # blank widget answers in the file; in grading, answer everything "right" at run time
    cheat = (
        "import os\n"
        "if os.environ.get('CRM_LESSONS_DATA') or os.getuid() != 0:\n"
        "    for q, a in [('q1', 'analytical'), ('q4', 'develop the marketing concept'),"
        " ('q5', 'performance management')]:\n"
        "        ex.answer(q, a)\n"
    )
    # the honest part: the compute answers, copied from the solution
    honest = {q: _src(sol["cells"][_find(sol, f'ex.check("{q}"')]) for q in ("q6", "q7", "q8")}
    return _blank_with(blank, cheat, honest)


def _write_gradebook(sol: dict, out_dir: Path) -> dict:
    vandal = (
        "import os, glob\n"
        f"for path in [{str(out_dir / 'gradebook.csv')!r}, {str(out_dir / 'gradebook.sqlite')!r}]"
        f" + glob.glob({str(out_dir / 'feedback' / '*')!r}):\n"
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
    import socket

    from crm_lessons.grading import grade

    subs = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("graded") / "out"
    listener = socket.socket()  # a service of the host that no kernel may reach
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    sandbox = _sandbox_available(tmp_path_factory.mktemp("probe"))
    cases = _cases(out, sandbox, listener.getsockname()[1])
    for name, (nb, _, _) in cases.items():
        (subs / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    # an honest student graded last too, so damage done by earlier kernels would show
    (subs / "zz_honest.ipynb").write_text(json.dumps(_load(SOLUTION)), encoding="utf-8")
    # names: Chinese, spaces and '..', very long, a folder per student (the folder names the student)
    for name in NAMES:
        (subs / f"{name}.ipynb").write_text(json.dumps(_load(SOLUTION)), encoding="utf-8")
    (subs / FOLDER_STUDENT).mkdir()
    folder_copy = subs / FOLDER_STUDENT / "ch01_crm_overview.ipynb"
    folder_copy.write_text(json.dumps(_load(SOLUTION)), encoding="utf-8")
    # files that cannot be graded at all: a row with 0 points and the reason each
    for name, text in MALFORMED.items():
        (subs / f"{name}.ipynb").write_text(text, encoding="utf-8")
    # a fixed seed keeps the suite deterministic (a random one could make a count coincide by chance)
    try:
        results = grade(
            [subs],
            out,
            seed=SEED,
            cell_timeout=8,
            notebook_timeout=30,
            memory_mb=1024,
            workers=3,
            progress=False,
            insecure=not sandbox,
        )
    finally:
        listener.close()
    return cases, {r.student: r for r in results}, out


#: Honest students with awkward names (each a copy of the solution).
NAMES = ("张伟", "Ann Lee ..", "x" * 200)
FOLDER_STUDENT = "王芳 (2024001)"
MALFORMED = {
    "malformed_json": '{"cells": [',
    "wrong_structure": '{"cells": {"a": 1}, "metadata": {}}',
    "not_an_object": '["cells"]',
}


#: Cases whose expected points do not depend on what an honest solution earns.
ABSOLUTE = {"blank", "detect_grading", "forged_records", "import_key", "run_solutions"}
EVERYONE_ELSE = {"zz_honest", *NAMES, FOLDER_STUDENT, *MALFORMED}


def test_batch_finishes_with_every_submission(batch):
    cases, results, out = batch
    assert set(results) == set(cases) | EVERYONE_ELSE
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        count = db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
    assert count == len(cases) + len(EVERYONE_ELSE)


@pytest.mark.parametrize(
    "name",
    [
        "honest_a",
        "blank",
        "raises",
        "infinite_loop",
        "loop_ignoring_interrupt",
        "os_exit",
        "kill_kernel",
        "sys_exit",
        "allocate_30gb",
        "allocate_slowly",
        "print_100mb",
        "monkeypatch_checks",
        "redefined_check",
        "always_equal",
        "deleted_cells",
        "edited_cells",
        "parameters_untagged",
        "parameters_shipped_data",
        "read_outside",
        "detect_grading",
        "write_gradebook",
        "kill_parent",
        "forged_records",
        "display_flood",
        "huge_answers",
        "prints_a_lot",
        "import_key",
        "run_solutions",
        "probe_neighbours",
        "survivors",
        "tmp_leftovers",
        "memory_in_children",
        "many_children",
    ],
)
def test_honest_part_earns_exactly_its_points(batch, name):
    cases, results, _ = batch
    if name not in cases:
        pytest.skip("needs the sandbox (root, bubblewrap, cgroups)")
    _, expected, reason = cases[name]
    if name not in ABSOLUTE:  # relative to an honest solution's points (the bank may grow)
        expected += results["honest_a"].points - FULL
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
    assert (
        "longer than" in results["loop_ignoring_interrupt"].reason
        or "died" in results["loop_ignoring_interrupt"].reason
    )
    assert "question cell is missing" in results["deleted_cells"].questions[1].reason
    assert "check cell for this question is missing" in results["deleted_cells"].questions[5].reason


def test_other_students_untouched(batch):
    _, results, out = batch
    full = results["honest_a"].points
    assert full >= FULL and results["zz_honest"].points == full
    rows = (out / "gradebook.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("student,exercise,points")
    honest = [r for r in rows if r.startswith("honest_a,")]
    assert len(honest) == 1 and honest[0].startswith(f"honest_a,ch01,{full:g},")
    assert not (out / "extra.txt").exists()
    page = (out / "feedback" / "honest_a_ch01.html").read_text(encoding="utf-8")
    assert f"<h1>Exercise ch01: {full:g} of " in page


def test_no_kernel_outlives_the_batch(batch):
    _, results, _ = batch
    uids = {r.uid for r in results.values() if r.uid is not None}
    if IS_ROOT and "write_gradebook" in batch[0]:
        ran = [r for r in results.values() if r.status != "not gradable"]
        assert len(uids) == len(ran)  # every kernel ran as a user of its own
    leftovers = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid in uids:
                    leftovers.append(entry)
            except OSError:
                continue
    assert leftovers == []


def test_honest_output_is_not_called_partly_run(batch):
    """An honest notebook that prints a lot is graded, not 'partly run' (issue 9)."""
    _, results, _ = batch
    assert results["prints_a_lot"].status == "graded"
    assert results["display_flood"].status == "graded"
    assert results["print_100mb"].status == "graded"


def test_awkward_names_are_kept_as_written_and_graded(batch):
    _, results, out = batch
    for name in (*NAMES, FOLDER_STUDENT):
        assert results[name].points == results["honest_a"].points, name
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        stored = {r[0] for r in db.execute("SELECT student FROM submissions")}
    assert {*NAMES, FOLDER_STUDENT} <= stored
    pages = [p.name for p in (out / "feedback").iterdir()]
    assert all(len(p.encode()) < 255 and "/" not in p for p in pages)
    assert not any(p.startswith(".") for p in pages)


def test_ungradable_files_get_a_zero_row_with_the_reason(batch):
    _, results, out = batch
    for name in MALFORMED:
        r = results[name]
        assert r.status == "not gradable" and r.points == 0, (name, r.reason)
        assert r.reason.startswith("could not read the notebook"), r.reason
    rows = (out / "gradebook.csv").read_text(encoding="utf-8")
    for name in MALFORMED:
        assert f"{name}," in rows


def test_nothing_leaks_onto_the_host(batch):
    cases, _, _ = batch
    if "survivors" not in cases:
        pytest.skip("needs the sandbox (root, bubblewrap, cgroups)")
    assert not Path("/tmp/crm_hostile_leak").exists() and not Path("/dev/shm/crm_hostile_leak").exists()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmd = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            assert cmd not in (b"sleep\x004321\x00", b"sleep\x004322\x00"), entry


def test_gradebook_records_the_sandbox(batch):
    cases, _, out = batch
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        meta = dict(db.execute("SELECT key, value FROM meta"))
    if "survivors" in cases:
        assert meta["insecure"] == "0" and meta["sandbox"].startswith("bubblewrap")
        assert float(meta["sandbox_start_seconds_median"]) < 1.0
    else:
        assert meta["insecure"] == "1" and "INSECURE" in meta["sandbox"]


def test_grading_without_root_refuses_unless_insecure(tmp_path, monkeypatch):
    """Without root (no namespaces, no cgroups) grading for credit stops with the reason."""
    from crm_lessons.grading import grade

    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "a.ipynb").write_text(json.dumps(_load(BLANK)), encoding="utf-8")
    refusal = "refusing to grade for credit without isolation: the grader is not running as root"
    with pytest.raises(RuntimeError, match=refusal):
        grade([tmp_path / "subs"], tmp_path / "out", seed=SEED, progress=False)
    with sqlite3.connect(tmp_path / "out" / "gradebook.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 0
    # --insecure is an explicit choice, and the gradebook says so
    (result,) = grade([tmp_path / "subs"], tmp_path / "out", seed=SEED, progress=False, insecure=True)
    assert result.points == 0 and result.status == "graded"
    with sqlite3.connect(tmp_path / "out" / "gradebook.sqlite") as db:
        meta = dict(db.execute("SELECT key, value FROM meta"))
    assert meta["insecure"] == "1"
    assert meta["sandbox"].startswith("none: INSECURE grading (the grader is not running")
