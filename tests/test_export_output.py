"""`export -o` and stdout: FIFOs and devices are written into, files and symlink targets are
replaced atomically, and every failure is one line with a non-zero exit."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from newscrawler.output import OutputClosedError, OutputError, open_output
from newscrawler.sample_server import SAMPLE_ROOT
from tests.conftest import import_sample, run_cli

NOISE = ("Traceback", "Exception ignored")


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory, manifest: dict[str, Any]) -> Path:
    """The sample site's articles imported into an archive (no crawl)."""
    return import_sample(tmp_path_factory.mktemp("small"), manifest)


def one_error_line(stderr: str) -> str:
    assert not any(word in stderr for word in NOISE), stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def no_part_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".part")]


# --- open_output ---------------------------------------------------------------------------

def test_regular_file_is_replaced_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    os.chmod(target, 0o640)
    inode = target.stat().st_ino
    with open_output(str(target)) as fh:
        fh.write("new")
        assert target.read_text() == "old"  # nothing shows before the rename
    assert target.read_text() == "new" and target.stat().st_ino != inode
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert no_part_files(tmp_path)


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), open_output(str(target)) as fh:
        fh.write("half")
        raise RuntimeError("the archive went away")
    assert target.read_text() == "old" and no_part_files(tmp_path)


def test_symlink_target_is_replaced_and_the_link_kept(tmp_path: Path) -> None:
    real = tmp_path / "data" / "articles.csv"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    with open_output(str(link)) as fh:
        fh.write("new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new" and no_part_files(real.parent)


def test_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "latest.csv"
    link.symlink_to(tmp_path / "new.csv")
    with open_output(str(link)) as fh:
        fh.write("x")
    assert link.is_symlink() and (tmp_path / "new.csv").read_text() == "x"


def test_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    with open_output(str(fifo)) as fh:
        fh.write("satır\n")
    reader.join(10)
    assert got == ["satır\n".encode()]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and no_part_files(tmp_path)


@pytest.mark.parametrize("target, message", [
    ("missing/dir/x.csv", "the folder .*missing/dir does not exist; create it first"),
    (".", "it is a folder; name a file"),
])
def test_bad_targets_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  target: str, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputError, match=message), open_output(target):
        pass


def test_full_device_is_an_output_error() -> None:
    with pytest.raises(OutputError, match="cannot write /dev/full: no space left"), \
            open_output("/dev/full") as fh:
        fh.write("x" * 100_000)


def test_closed_fifo_is_output_closed(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def read_once() -> None:
        with fifo.open("rb") as fh:
            fh.read(1)

    reader = threading.Thread(target=read_once, daemon=True)
    reader.start()
    with pytest.raises(OutputClosedError), open_output(str(fifo)) as fh:
        fh.write("x")
        fh.flush()
        reader.join(10)  # it read one byte and closed its end
        for _ in range(100):
            fh.write("x" * 100_000)
            fh.flush()


# --- the commands --------------------------------------------------------------------------

def test_export_into_a_fifo(small_db: Path, tmp_path: Path, manifest: dict[str, Any]) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_cli("export", "--db", str(small_db), "--format", "jsonl", "-o", str(fifo))
    reader.join(30)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # before: a regular file renamed over it
    assert got and got[0].count(b"\n") == len(manifest["articles"])


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_export_into_a_character_device_keeps_the_device(small_db: Path, tmp_path: Path
                                                          ) -> None:
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
    result = run_cli("export", "--db", str(small_db), "-o", str(null))
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.lstat(null).st_mode)  # before: replaced by a regular file


def test_export_through_a_symlink(small_db: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    result = run_cli("export", "--db", str(small_db), "-o", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("id,url,")


@pytest.mark.parametrize("args, message", [
    (["-o", "/dev/full"], "Error: cannot write /dev/full: no space left on the device"),
    (["-o", "missing/dir/x.csv"], "Error: cannot write missing/dir/x.csv: the folder "),
    (["-o", "/dev/full", "--format", "xlsx"],
     "Error: cannot write /dev/full: no space left on the device"),
])
def test_export_failures_are_one_line(small_db: Path, tmp_path: Path, args: list[str],
                                      message: str) -> None:
    result = run_cli("export", "--db", str(small_db), *args, cwd=tmp_path)
    assert result.returncode == 1
    assert one_error_line(result.stderr).startswith(message)
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("command", [["export"], ["search", "belediye", "--limit", "50"],
                                     ["search", "belediye", "--format", "csv"],
                                     ["search", "belediye", "--format", "json"]])
def test_stdout_to_a_full_device(small_db: Path, command: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "newscrawler.cli", *command, "--db",
                                 str(small_db)], stdout=full, stderr=subprocess.PIPE,
                                text=True, timeout=120)
    assert result.returncode == 1
    assert one_error_line(result.stderr) == (
        "Error: cannot write standard output: no space left on the device")


def test_closed_pipe_is_one_line_and_1(small_db: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "newscrawler.cli", "export", "--db",
                             str(small_db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"id,url,")
    proc.stdout.close()  # `| head -1`
    stderr = proc.stderr.read().decode()
    assert proc.wait(120) == 1
    assert one_error_line(stderr) == ("Error: the reader of standard output closed it before "
                                      "the end; what it received is incomplete")


def test_xlsx_closed_pipe_is_one_line_and_1(small_db: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "newscrawler.cli", "export", "--db",
                             str(small_db), "--format", "xlsx"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(2) == b"PK"  # a zip file starts
    proc.stdout.close()  # `| head -c 2`
    stderr = proc.stderr.read().decode()
    assert proc.wait(120) == 1
    assert one_error_line(stderr) == ("Error: the reader of standard output closed it before "
                                      "the end; what it received is incomplete")


def test_xlsx_past_the_file_size_limit_is_one_line(small_db: Path, tmp_path: Path) -> None:
    """``ulimit -f``: XlsxWriter's own temporary files fail first; the one line names the
    export, and no partial file is left."""
    import resource
    import signal

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (48_000, 48_000))  # SQLite: 32 KB

    result = subprocess.run([sys.executable, "-m", "newscrawler.cli", "export", "--db",
                             str(small_db), "--format", "xlsx", "-o", "big.xlsx"],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path,
                            preexec_fn=limited)
    assert result.returncode == 1
    assert one_error_line(result.stderr) == (
        "Error: cannot write big.xlsx: the file is too large for the file system")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [
    ["sites"], ["sites", "--format", "json"],
    ["extract", str(next(SAMPLE_ROOT.glob("*-1000*.html")))],
])
def test_other_commands_to_a_full_device(command: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "newscrawler.cli", *command],
                                stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert result.returncode == 1
    assert one_error_line(result.stderr) == (
        "Error: cannot write standard output: no space left on the device")
