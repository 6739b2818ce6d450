"""The tree shows the architecture: the build never imports the checks, and modules stay small."""

import subprocess
import sys

import pytest

from autograd_site import ROOT

MODULES = sorted(
    path.relative_to(ROOT).as_posix()
    for folder in ("autograd_site", "tools", "tests")
    for path in (ROOT / folder).rglob("*.py")
)
BUILD_MODULES = sorted(
    path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
    for path in (ROOT / "autograd_site" / "build").glob("*.py")
    if path.name != "__init__.py"
)


def imported_by(module: str) -> set[str]:
    """The modules a fresh interpreter holds after importing ``module``."""
    code = f"import sys, {module}; print('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(result.stdout.split())


def machinery(module: str) -> set[str]:
    """What importing ``module`` loads of pytest, sympy, sybil's pytest integration and the
    checks."""
    return {
        name
        for name in imported_by(module)
        if name.split(".")[0] in {"pytest", "_pytest", "sympy"}
        or name.startswith(("autograd_site.checks", "sybil.integration"))
    }


@pytest.mark.parametrize("module", BUILD_MODULES)
def test_the_build_imports_no_machinery(module):
    assert not machinery(module), f"{module} imports {sorted(machinery(module))}"


def test_the_import_check_sees_the_checks():
    """The test above can fail: the plugin of the checks loads both pytest and the checks."""
    loaded = machinery("autograd_site.checks.plugin")
    assert {"pytest", "autograd_site.checks.page_examples"} <= loaded


@pytest.mark.parametrize("module", MODULES)
def test_no_module_is_over_400_lines(module):
    lines = (ROOT / module).read_text(encoding="utf-8").count("\n")
    assert lines <= 400, f"{module} has {lines} lines: split it along its seams"
