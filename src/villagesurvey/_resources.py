"""Where the bundled instruments and sample data are, installed or in a source checkout."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

__all__ = ["bundled", "sample_script"]

_PACKAGE = Path(__file__).resolve().parent


def bundled(*parts: str) -> Path:
    """The path of a bundled file or folder, e.g. ``bundled("instruments")``.

    A built wheel carries them under ``villagesurvey/_bundled``; a source checkout
    (an editable install, or the tests) has them at the top of the repository.
    """
    for root in (_PACKAGE / "_bundled", _PACKAGE.parent.parent):
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"bundled file {'/'.join(parts)} is missing from this installation")


def sample_script(name: str) -> ModuleType:
    """A script of a source checkout's ``sample_data`` folder, imported once, e.g.
    ``sample_script("generate")``: the model study's simulation, which the fieldwork
    sample, the benchmarks and the tests reuse.

    The module is ``_sample_<name>`` in ``sys.modules``: each caller gets the same one.
    """
    module_name = f"_sample_{name}"
    if module_name in sys.modules:
        return sys.modules[module_name]
    where = bundled("sample_data", f"{name}.py")
    spec = importlib.util.spec_from_file_location(module_name, where)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"{where} cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module
