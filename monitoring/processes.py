"""Python child processes that run this checkout's ``monitoring`` (stemming and enrichment workers)."""
from __future__ import annotations

import os
import subprocess
import sys

from monitoring.data_files import ROOT


def start_python(arguments: list[str], **popen: object) -> subprocess.Popen:
    """``python <arguments>`` with pipes as given in ``popen``, importing ``monitoring`` from the
    same folder as this process: ``-c`` and ``-m`` put the working directory first on the path,
    so the child starts in the repository root (another checkout in the caller's directory would
    otherwise be imported instead) and finds it through ``PYTHONPATH`` too."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), env.get("PYTHONPATH"))))
    return subprocess.Popen([sys.executable, *arguments], env=env, cwd=ROOT, **popen)
