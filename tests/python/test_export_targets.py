"""`-o` targets that are not plain files (lrlab's OutputFile, shared by export-schedule, report, plot
and export): a symbolic link is followed (its file replaced, the link kept), a pipe is written into
(renaming over it would replace it with a file), a folder is refused."""
import os
import stat
import threading

from conftest import run_lrlab

SCHEDULE = ["export-schedule", "--schedule", '{"type": "constant"}', "--steps", "5", "--format", "csv"]
WANT = "step,lr\n0,0.001\n1,0.001\n2,0.001\n3,0.001\n4,0.001\n"


def test_a_symlink_is_followed(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    run_lrlab(*SCHEDULE, "-o", link)
    assert link.is_symlink() and real.read_text() == WANT


def test_a_pipe_is_written_into(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo).read()))
    reader.start()
    run_lrlab(*SCHEDULE, "-o", fifo)
    reader.join(timeout=30)
    assert got == [WANT] and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_folder_is_refused(tmp_path):
    p = run_lrlab(*SCHEDULE, "-o", tmp_path, check=False)
    assert p.returncode == 2 and "it is a folder" in p.stderr
