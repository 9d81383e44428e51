"""crm-lessons run: every chapter notebook through papermill, a closing table, an exit code."""

import nbformat
import pytest

from crm_lessons import cli


def write_notebook(path, *sources):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)


@pytest.fixture
def book(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    write_notebook(notebooks / "00_start_here.ipynb", "print(1 + 1)")
    write_notebook(notebooks / "01_overview.ipynb", "x = 2", "x * 21")
    write_notebook(notebooks / "02_broken.ipynb", "raise ValueError('chapter two is broken')")
    (notebooks / "scratch.ipynb").write_text("not a chapter: no NN_ prefix")
    return notebooks


def test_chapters_are_found_in_book_order(book):
    assert [p.name for p in cli.find_notebooks(book)] == [
        "00_start_here.ipynb",
        "01_overview.ipynb",
        "02_broken.ipynb",
    ]


def test_chapters_can_be_chosen_by_number_or_name(book):
    assert [p.name for p in cli.find_notebooks(book, ["1", "02_broken.ipynb"])] == [
        "01_overview.ipynb",
        "02_broken.ipynb",
    ]


def test_unknown_chapter_names_the_argument_and_lists_the_book(book):
    with pytest.raises(ValueError, match=r"chapters: no notebook matches '7'.*00_start_here.ipynb"):
        cli.find_notebooks(book, ["7"])


def test_closing_table_lists_notebook_seconds_status():
    table = cli.format_table([cli.NotebookRun("01_overview.ipynb", 2.345, "ok")])
    assert table.splitlines()[0].split() == ["notebook", "seconds", "status"]
    assert table.splitlines()[2].split() == ["01_overview.ipynb", "2.3", "ok"]


def test_run_executes_every_chapter_and_fails_when_one_fails(book, tmp_path, capsys):
    out = tmp_path / "build"
    code = cli.main(["run", "--notebooks", str(book), "--out", str(out), "--timeout", "60"])
    printed = capsys.readouterr().out
    assert code == 1
    assert sorted(p.name for p in out.glob("*.ipynb")) == [
        "00_start_here.ipynb",
        "01_overview.ipynb",
        "02_broken.ipynb",
    ]
    executed = nbformat.read(out / "01_overview.ipynb", as_version=4)
    assert executed.cells[1].outputs[0]["data"]["text/plain"] == "42"
    rows = {
        line.split()[0]: line
        for line in printed.splitlines()
        if line.endswith(".ipynb") is False and ".ipynb" in line
    }
    assert rows["00_start_here.ipynb"].rstrip().endswith("ok")
    assert "failed: cell 1: ValueError: chapter two is broken" in rows["02_broken.ipynb"]
    assert "1 of 3 notebooks failed" in printed


def test_run_of_a_good_book_says_how_to_open_jupyterlab(book, tmp_path, capsys):
    (book / "02_broken.ipynb").unlink()
    code = cli.main(["run", "--notebooks", str(book), "--out", str(tmp_path / "build"), "0"])
    assert code == 0
    assert "jupyter lab" in capsys.readouterr().out


def test_both_editions_run_side_by_side_into_their_own_folders(book, tmp_path, capsys):
    (book / "02_broken.ipynb").unlink()
    (book / "zh").mkdir()
    # each notebook waits for the other edition's: they finish only when they run at the same time
    for lang, other in (("en", "zh"), ("zh", "en")):
        folder = book / "zh" if lang == "zh" else book
        write_notebook(
            folder / "01_overview.ipynb",
            "import pathlib, time",
            f"flags = pathlib.Path({str(tmp_path)!r})\n"
            f"(flags / '{lang}.flag').touch()\n"
            f"for _ in range(1200):\n"
            f"    if (flags / '{other}.flag').exists():\n"
            f"        break\n"
            f"    time.sleep(0.1)\n"
            f"print((flags / '{other}.flag').exists())",
        )
    write_notebook(book / "zh" / "00_start_here.ipynb", "print('你好')")
    out = tmp_path / "build"
    code = cli.main(["run", "--notebooks", str(book), "--out", str(out), "--lang", "all", "--jobs", "2", "1"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    for folder in (out, out / "zh"):
        executed = nbformat.read(folder / "01_overview.ipynb", as_version=4)
        assert executed.cells[1].outputs[0]["text"] == "True\n"  # the other edition ran meanwhile
    names = [line.split()[0] for line in printed.splitlines() if ".ipynb" in line and "jupyter" not in line]
    assert names == ["01_overview.ipynb", "zh/01_overview.ipynb"]  # book order, English first


def test_kernels_run_numeric_libraries_on_one_thread(book, tmp_path):
    (book / "02_broken.ipynb").unlink()
    write_notebook(book / "01_overview.ipynb", "import os", "print(os.environ.get('OMP_NUM_THREADS'))")
    runs = cli.run_book(book, tmp_path / "build", ["1"])
    assert [r.status for r in runs] == ["ok"]
    executed = nbformat.read(tmp_path / "build" / "01_overview.ipynb", as_version=4)
    assert executed.cells[1].outputs[0]["text"] == "1\n"


def test_chinese_edition_alone(book, tmp_path, capsys):
    (book / "zh").mkdir()
    write_notebook(book / "zh" / "00_start_here.ipynb", "print('你好')")
    out = tmp_path / "build"
    assert cli.main(["run", "--notebooks", str(book), "--out", str(out), "--lang", "zh"]) == 0
    assert [p.name for p in (out / "zh").glob("*.ipynb")] == ["00_start_here.ipynb"]
    assert not list(out.glob("*.ipynb"))
    assert "zh/00_start_here.ipynb" in capsys.readouterr().out


def test_missing_edition_and_bad_jobs_are_clear_errors(book, tmp_path, capsys):
    assert cli.main(["run", "--notebooks", str(book), "--out", str(tmp_path / "b"), "--lang", "zh"]) == 2
    assert "no chapter notebooks" in capsys.readouterr().err
    with pytest.raises(ValueError, match="jobs"):
        cli.run_book(book, tmp_path / "b", jobs=0)
    with pytest.raises(SystemExit):
        cli.main(["run", "--lang", "fr"])


def test_default_notebooks_are_the_clones(book, tmp_path, monkeypatch):
    (book / "src").mkdir()
    monkeypatch.chdir(book / "src")
    assert cli.default_notebook_dir() == book


def test_run_with_no_chapters_is_a_clear_error(tmp_path, capsys):
    code = cli.main(["run", "--notebooks", str(tmp_path), "--out", str(tmp_path / "build")])
    assert code == 2
    assert "no chapter notebooks" in capsys.readouterr().err


@pytest.mark.parametrize("command, expected", [("grade", "--out OUT"), ("exercises", "{build,check")])
def test_grade_and_exercises_take_their_own_options_in_any_order(command, expected, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main([command, "--help"])
    assert stop.value.code == 0
    assert expected in capsys.readouterr().out


def test_generate_writes_another_seed(tmp_path, capsys):
    code = cli.main(["generate", "--out", str(tmp_path), "--seed", "7", "--customers", "300"])
    assert code == 0
    assert (tmp_path / "customers.csv").read_text().count("\n") == 301


def test_generate_rejects_a_bad_size(tmp_path, capsys):
    assert cli.main(["generate", "--out", str(tmp_path), "--customers", "0"]) == 2
    assert "n_customers" in capsys.readouterr().err
