from __future__ import annotations

import pytest

from analyst_magics.config import load_settings
from analyst_magics.errors import AnalystError, ConfigError


def test_defaults_work_on_a_fresh_machine(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    settings = load_settings()
    assert settings.max_upload_mb == 200
    assert settings.llm_configured is False
    assert "csv" in settings.allowed_extensions
    assert settings.reports_path == settings.data_dir / "reports"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("ANALYST_MAX_UPLOAD_MB", "5")
    monkeypatch.setenv("ANALYST_ALLOWED_EXTENSIONS", ".CSV, parquet")
    monkeypatch.setenv("ANALYST_DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.max_upload_mb == 5
    assert settings.allowed_extensions == ("csv", "parquet")
    assert settings.data_dir == tmp_path


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    (tmp_path / ".env").write_text("ANALYST_LLM_BASE_URL=http://127.0.0.1:9/v1\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings().llm_configured is True


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("ANALYST_MAX_UPLOAD_MB", "lots", "ANALYST_MAX_UPLOAD_MB='lots'"),
    ("ANALYST_MAX_UPLOAD_MB", "0", "greater than 0"),
    ("ANALYST_LLM_PRIVACY", "everything", "'schema', 'masked' or 'full'"),
])
def test_invalid_values_name_the_variable(monkeypatch: pytest.MonkeyPatch, variable: str,
                                          value: str, expected: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=variable) as err:
        load_settings()
    assert expected in str(err.value)
    assert isinstance(err.value, AnalystError)


def test_api_key_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYST_LLM_API_KEY", "sk-secret-123")
    settings = load_settings()
    assert "sk-secret-123" not in repr(settings)
    assert settings.llm_api_key.get_secret_value() == "sk-secret-123"
