"""docker-compose.yml runs exactly what the Makefile runs (issue 2: the two commands)."""

import json
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _makefile_commands() -> dict[str, str]:
    text = (ROOT / "Makefile").read_text()
    found = dict(re.findall(r"^(WEB_CMD|WORKER_CMD|BEAT_CMD)\s*:=\s*(.+?)\s*$", text, re.M))
    assert set(found) == {"WEB_CMD", "WORKER_CMD", "BEAT_CMD"}, found
    return found


def _compose_services() -> dict[str, str]:
    """``services: <name>: command:`` of docker-compose.yml (a tiny, strict YAML reader)."""
    text = (ROOT / "docker-compose.yml").read_text()
    services_block = re.search(r"^services:\n(.*?)(?=^\S|\Z)", text, re.M | re.S).group(1)
    commands = {}
    for name, body in re.findall(r"^  ([\w-]+):\n((?:^(?:    .*|\s*)\n)*)", services_block, re.M):
        match = re.search(r"^    command:\s*(.+?)\s*$", body, re.M)
        if match:
            commands[name] = match.group(1).strip().strip('"')
    return commands


def test_compose_runs_the_makefile_commands():
    make = _makefile_commands()
    compose = _compose_services()
    assert compose["web"] == make["WEB_CMD"]
    assert compose["worker"] == make["WORKER_CMD"]
    assert compose["beat"] == make["BEAT_CMD"]


def test_compose_describes_the_production_like_stack():
    compose = _compose_services()
    text = (ROOT / "docker-compose.yml").read_text()
    for service in ("db", "redis", "web", "worker", "beat", "mailpit"):
        assert re.search(rf"^  {service}:\n", text, re.M), service
    assert "postgres:" in text and "redis:" in text
    assert "openflex.settings.production" in text
    assert compose["web"].startswith("gunicorn ")


def test_dockerfile_default_command_is_the_web_command():
    make = _makefile_commands()
    cmd = re.search(r"^CMD\s+(\[.*\])\s*$", (ROOT / "Dockerfile").read_text(), re.M).group(1)
    assert " ".join(json.loads(cmd)) == make["WEB_CMD"]


def test_makefile_run_starts_web_worker_and_beat():
    text = (ROOT / "Makefile").read_text()
    assert "$(WORKER_CMD) & $(BEAT_CMD) & $(WEB_CMD)" in text


def test_ci_runs_make_test():
    script = (ROOT / ".ci" / "run").read_text()
    lines = [ln for ln in script.splitlines() if ln.strip() and not ln.startswith("#")]
    assert lines[-1].strip() == "make test"


def test_top_level_layout():
    """Only the entries the issue names (plus docs/ and the Dockerfile) at the top level."""
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    top = {path.split("/", 1)[0] for path in tracked}
    allowed = {
        "manage.py", "openflex", "vehicles", "opportunities", "payments", "signatures",
        "leads", "templates", "static", "tests", "pyproject.toml", "docker-compose.yml",
        "Dockerfile", "README.md", "Makefile", ".ci", "docs", ".gitignore", ".dockerignore",
        "requirements.lock", "requirements-dev.lock",
    }  # fmt: skip
    assert top <= allowed, top - allowed
    assert {"manage.py", "openflex", "Makefile", "README.md", ".ci"} <= top


def _locked() -> dict[str, str]:
    """name → version of every pin of the dev lock file (normalised names)."""
    text = (ROOT / "requirements-dev.lock").read_text()
    return {
        re.sub(r"[-_.]+", "-", name).lower(): version
        for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", text, re.M)
    }


def test_every_dependency_is_locked_with_hashes():
    """make run, make test and the image install exactly the locked versions (issue 12)."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    names = {
        re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~ ;]", d, maxsplit=1)[0]).lower() for d in wanted
    }
    locked = _locked()
    assert names - set(locked) == set()
    for path in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / path).read_text()
        pins = re.findall(r"^[A-Za-z0-9_.\-]+==", text, re.M)
        assert pins and text.count("--hash=sha256:") >= len(pins), path
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements-dev.lock" in makefile
    assert "--require-hashes -r requirements.lock" in (ROOT / "Dockerfile").read_text()
