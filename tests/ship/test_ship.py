"""What ships beside the package: the container, the CI workflow, Binder and the deployment
recipes, each checked by the tool that knows its format (Docker cannot run here)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: it comes with the test extra (pip install -e '.[test]')")
    return found


def test_the_dockerfile_passes_hadolint() -> None:
    done = subprocess.run([_tool("hadolint"), "--config", str(ROOT / ".hadolint.yaml"),
                           str(ROOT / "Dockerfile")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_image_runs_as_uid_1000_under_tini_with_chromium() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "USER 1000" in text and 'ENTRYPOINT ["tini", "--"]' in text
    assert "chromium" in text and "pip check" in text
    assert text.count("FROM ") >= 3  # the sidebar (Node), the wheel, a slim runtime


def test_the_ci_workflow_matches_githubs_schema_and_pins_actions() -> None:
    workflow = ROOT / ".github" / "workflows" / "ci.yml"
    done = subprocess.run([_tool("check-jsonschema"), "--builtin-schema",
                           "vendor.github-workflows", str(workflow)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    steps = [step for job in yaml.safe_load(workflow.read_text())["jobs"].values()
             for step in job["steps"]]
    uses = [step["uses"] for step in steps if "uses" in step]
    assert uses and all(len(u.split("@")[1]) == 40 for u in uses), uses  # commit SHAs
    assert any(step.get("run") == "bash .ci/run" for step in steps)


def test_binder_installs_the_package_and_checks_it() -> None:
    environment = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())
    assert any(str(d).startswith("nodejs") for d in environment["dependencies"])
    post_build = ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK)
    assert subprocess.run(["bash", "-n", str(post_build)]).returncode == 0
    text = post_build.read_text()
    assert "scripts/build_labextension.sh" in text and "pip check" in text
    assert "notebooks/quickstart.ipynb" in text and (ROOT / "notebooks/quickstart.ipynb").exists()


@pytest.mark.parametrize("recipe", ["z2jh-values.yaml", "render.yaml"])
def test_deployment_recipes_are_valid_yaml_using_the_image(recipe: str) -> None:
    data = yaml.safe_load((ROOT / "deploy" / recipe).read_text())
    assert data
    text = (ROOT / "deploy" / recipe).read_text()
    assert "JUPYTER_TOKEN" in text or "start-analyst" in text


def test_the_container_refuses_to_serve_without_a_token(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(["sh", str(ROOT / "deploy" / "start.sh")], env=env,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "JUPYTER_TOKEN" in done.stderr
