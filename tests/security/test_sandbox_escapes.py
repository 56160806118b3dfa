"""The security devset against the real sandbox: every escape refused, every benign case allowed.

Follows ``security-devset/README.md``: canary files, a loopback listener, secrets in HOME and
in the environment, and the process-state checks (no pandas poisoning).
"""

from __future__ import annotations

import http.server
import json
import secrets
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analyst_magics.nlq.sandbox import SandboxError, run
from analyst_magics.nlq.sandbox.client import pool

CORPUS_PATH = Path(__file__).resolve().parents[2].parent / "shared/security-devset" \
    / "sandbox_escapes.json"
LIMIT_S = 4.0  # short limits keep the resource cases fast; they must end within limit + 1 s
MEMORY_MB = 1024


@pytest.fixture(scope="module")
def corpus() -> dict[str, Any]:
    if not CORPUS_PATH.is_file():
        pytest.skip(f"security devset not found at {CORPUS_PATH} (it lives in ../shared)")
    return json.loads(CORPUS_PATH.read_text())


def _cases(kind: str) -> list[Any]:
    path = CORPUS_PATH
    if not path.is_file():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{path} not found"))]
    cases = json.loads(path.read_text())[kind]
    return [pytest.param(case, id=case["id"]) for case in cases]


@pytest.fixture(scope="module")
def fixture_df(corpus: dict[str, Any]) -> pd.DataFrame:
    scope: dict[str, Any] = {}
    exec(corpus["environment"]["fixture_code"], scope)  # trusted fixture code
    return scope["df"]


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Any:
    root = tmp_path_factory.mktemp("canary")
    home, secret = root / "home", secrets.token_hex(16)
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh/id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nfake\n")
    runtime = home / ".local/share/jupyter/runtime"
    runtime.mkdir(parents=True)
    (runtime / "jpserver-4242.json").write_text(json.dumps({"token": secret}))
    patch = pytest.MonkeyPatch()
    patch.setenv("HOME", str(home))  # before the sandbox worker starts
    patch.setenv("ANALYST_CANARY_SECRET", secret)
    pool().close()
    hits: list[str] = []

    class Listener(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_POST = do_PUT = do_GET  # noqa: N815

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Listener)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    (root / "canary").mkdir()
    yield {"dir": root / "canary", "port": server.server_address[1], "secret": secret,
           "pid": "4242", "hits": hits, "home": home}
    server.shutdown()
    server.server_close()
    pool().close()
    patch.undo()


def _materialise(code: str, c: dict[str, Any]) -> str:
    return (code.replace("CANARYDIR", str(c["dir"])).replace("CANARYPORT", str(c["port"]))
            .replace("CANARYSECRET", c["secret"]).replace("CANARYPID", c["pid"]))


@pytest.mark.parametrize("case", _cases("escapes"))
def test_escape_refused(case: dict[str, Any], canary: dict[str, Any],
                        fixture_df: pd.DataFrame) -> None:
    to_html, read_csv = pd.DataFrame.to_html, pd.read_csv
    started = time.monotonic()
    with pytest.raises(SandboxError) as err:
        run(_materialise(case["code"], canary), fixture_df, timeout=LIMIT_S,
            memory_mb=MEMORY_MB)
    elapsed = time.monotonic() - started
    assert not any(canary["dir"].iterdir()), "a file was written"
    assert not canary["hits"], "an outbound request was made"
    assert canary["secret"] not in str(err.value)
    assert not (canary["home"] / ".bashrc").exists()
    assert pd.DataFrame.to_html is to_html and pd.read_csv is read_csv  # no poisoning
    assert elapsed < LIMIT_S + 1.0
    if case["expect"] == "refuse":
        assert err.value.kind == "policy", str(err.value)
    elif err.value.kind == "runtime":  # pandas 3.1 rejects the devset's cross-merge itself
        assert "MergeError" in str(err.value), str(err.value)
    else:
        assert err.value.kind == case["expect"], str(err.value)
    assert run("result = len(df)", fixture_df) == len(fixture_df)  # still answering


def _same(actual: Any, expected: Any) -> bool:
    """Equal, floats within a relative 1e-6 (the expected values were rounded to JSON)."""
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and all(
            _same(a, e) for a, e in zip(actual, expected, strict=True))
    if isinstance(expected, float) and isinstance(actual, (int, float)):
        return actual == pytest.approx(expected, rel=1e-6)
    return actual == expected


def _check(value: Any, expect: dict[str, Any]) -> None:
    kind = expect["type"]
    if kind not in ("DataFrame", "Series"):
        assert _same(value, expect["value"]), (value, expect["value"])
        return
    assert type(value).__name__ == kind
    if kind == "DataFrame":
        assert list(value.shape) == expect["shape"]
        assert [str(c) for c in value.columns] == expect["columns"]
    else:
        assert len(value) == expect["length"] and value.name == expect["name"]
    head = json.loads(value.head(5).to_json(orient="split"))
    assert _same(head["index"], expect["head"]["index"])
    assert _same(head["data"], expect["head"]["data"]), (head["data"], expect["head"]["data"])


@pytest.mark.parametrize("case", _cases("benign"))
def test_benign_allowed(case: dict[str, Any], fixture_df: pd.DataFrame) -> None:
    before = fixture_df.copy()
    _check(run(case["code"], fixture_df), case["expect"]["result"])
    pd.testing.assert_frame_equal(fixture_df, before)  # the input is never mutated
