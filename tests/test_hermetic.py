"""The suite's own guard (conftest.hermetic) is in force: planmaker's temporary files go to the session's
private temp folder, never to the machine's, so that no test depends on what an earlier run left there."""

import os
import tempfile
from pathlib import Path


def test_temporary_files_go_to_the_sessions_own_folder(hermetic, tmp_path):
    assert Path(tempfile.gettempdir()) == hermetic
    assert os.environ["TMPDIR"] == str(hermetic)
    assert not str(tmp_path).startswith(str(hermetic))
