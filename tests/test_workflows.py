"""The GitHub Actions workflows pass actionlint and zizmor, pin their actions, and ask for little.

actionlint (with shellcheck for the ``run:`` scripts) and zizmor, the security linter, come from
the ``dev`` extra; a test feeds each a flawed workflow to show that it really checks.
"""

import re
import subprocess
import sysconfig
from pathlib import Path

import pytest
import yaml

from pages import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
SCRIPTS = Path(sysconfig.get_path("scripts"))  # .venv/bin: actionlint, shellcheck and zizmor


def actionlint(*workflows: Path) -> subprocess.CompletedProcess:
    shellcheck = f"-shellcheck={SCRIPTS / 'shellcheck'}"
    command = [SCRIPTS / "actionlint", "-no-color", shellcheck, "-pyflakes=", *workflows]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_the_workflows_are_there():
    assert {"ci.yml", "deploy.yml"} <= {path.name for path in WORKFLOWS}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_passes_actionlint(workflow):
    result = actionlint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def flawed_workflow(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".github" / "workflows" / "flawed.yml"
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_actionlint_rejects_a_broken_workflow(tmp_path):
    broken = flawed_workflow(
        tmp_path,
        "on: push\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-24.04\n"
        "    needs: build\n"  # no such job
        "    steps:\n"
        "      - run: echo ${{ github.evnt_name }}\n"  # no such property
        "      - run: echo `pwd`\n",  # shellcheck SC2006: legacy backticks
    )
    result = actionlint(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    findings = ['needs job "build" which does not exist', '"evnt_name" is not defined', "SC2006"]
    for finding in findings:
        assert finding in result.stdout, f"actionlint did not report {finding!r}:\n{result.stdout}"


def zizmor(*workflows: Path) -> subprocess.CompletedProcess:
    """zizmor's offline audits (the online ones ask GitHub's API)."""
    command = [SCRIPTS / "zizmor", "--offline", "--no-progress", "--format=plain", *workflows]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_the_workflows_pass_zizmor():
    result = zizmor(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_rejects_an_unsafe_workflow(tmp_path):
    unsafe = flawed_workflow(
        tmp_path,
        "on: pull_request_target\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"  # a tag, not a commit; keeps the token on disk
        "      - run: echo ${{ github.event.pull_request.title }}\n",  # the title runs as shell
    )
    result = zizmor(unsafe)
    assert result.returncode != 0, result.stdout + result.stderr
    for audit in ("unpinned-uses", "artipacked", "template-injection"):
        assert f"[{audit}]" in result.stdout, f"zizmor did not report {audit}:\n{result.stdout}"


USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<action>[^\s@#]+)@(?P<ref>\S+)(?P<comment>.*)$")


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_actions_are_pinned_by_commit_with_their_version(workflow):
    uses = [m for m in map(USES.match, workflow.read_text(encoding="utf-8").splitlines()) if m]
    assert uses, f"{workflow.name} uses no action"
    for use in uses:
        assert re.fullmatch(r"[0-9a-f]{40}", use["ref"]), f"{use[0].strip()}: pin a full SHA"
        comment = r"\s+# v\d+\.\d+\.\d+(\s+# zizmor: ignore\[[a-z-]+\])?"  # and why, above
        assert re.fullmatch(comment, use["comment"]), (
            f"{use[0].strip()}: name the release in a comment, as `# v1.2.3`"
        )


def test_only_the_deployment_jobs_may_write():
    writes = set()
    for workflow in WORKFLOWS:
        document = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        assert document["permissions"] == {"contents": "read"}, workflow.name
        for name, job in document["jobs"].items():
            for scope, access in job.get("permissions", {}).items():
                if access == "write":
                    writes.add((workflow.name, name, scope))
    assert writes == {
        ("deploy.yml", "deploy", "pages"),
        ("deploy.yml", "deploy", "id-token"),
        ("deploy.yml", "notebooks", "contents"),  # the notebooks branch behind the Colab links
    }
