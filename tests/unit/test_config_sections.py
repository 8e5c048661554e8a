"""Per-service settings sections: known, validated and read once with the platform's."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from lms.cli import main
from lms.services import settings_sections
from shared.config import Settings, SettingsError, section_env_names
from shared.runtime import Platform
from shared.service import ServiceSpec
from subgraphs.identity.app import SERVICE as IDENTITY
from subgraphs.identity.settings import IdentitySettings


class GradesSettings(BaseSettings):
    """Settings of a made-up service."""

    model_config = SettingsConfigDict(env_prefix="LMS_GRADES_", frozen=True)

    late_penalty: int = Field(10, ge=0, le=100, description="Percent off per late day.")


class ClashingSettings(BaseSettings):
    """A section whose variable is one of the platform's."""

    model_config = SettingsConfigDict(env_prefix="LMS_LOG_", frozen=True)

    level: str = "x"


def test_section_variables_are_accepted_and_read() -> None:
    # given a section variable beside a platform variable
    env = {"LMS_GRADES_LATE_PENALTY": "25", "LMS_PORT": "4100"}
    # when both are loaded together
    settings = Settings.load(env, sections=[GradesSettings])
    # then each class holds its own value
    assert settings.port == 4100
    assert settings.section(GradesSettings).late_penalty == 25


def test_section_variables_are_refused_without_their_section() -> None:
    # given a section variable, when loaded without the section, then it is a typo
    with pytest.raises(SettingsError, match="unknown setting LMS_GRADES_LATE_PENALTY"):
        Settings.load({"LMS_GRADES_LATE_PENALTY": "25"})


def test_misspelt_section_variable_is_refused() -> None:
    # given a misspelt variable under a known section's prefix
    env = {"LMS_GRADES_LATE_PENALTI": "25"}
    # when loaded, then it is named as unknown
    with pytest.raises(SettingsError, match="unknown setting LMS_GRADES_LATE_PENALTI"):
        Settings.load(env, sections=[GradesSettings])


def test_invalid_section_value_names_the_variable() -> None:
    # given an out-of-range section value, when loaded
    with pytest.raises(SettingsError) as caught:
        Settings.load({"LMS_GRADES_LATE_PENALTY": "250"}, sections=[GradesSettings])
    # then the one-line message names the full variable
    assert str(caught.value).startswith("invalid setting LMS_GRADES_LATE_PENALTY='250'")


def test_section_redefining_a_platform_variable_is_a_programming_error() -> None:
    # given a section whose variable LMS_LOG_LEVEL is the platform's, when loaded, then it fails
    with pytest.raises(ValueError, match="redefines LMS_LOG_LEVEL"):
        Settings.load({}, sections=[ClashingSettings])


def test_section_not_passed_is_read_from_the_same_environ_and_kept() -> None:
    # given settings loaded from an explicit mapping, not the process environment
    settings = Settings.load({})
    # when a section is asked for that was not passed, then it has its defaults, read once
    first = settings.section(GradesSettings)
    assert first.late_penalty == 10
    assert settings.section(GradesSettings) is first


def test_overrides_keep_the_sections() -> None:
    # given loaded sections, when a platform setting is overridden
    settings = Settings.load({"LMS_GRADES_LATE_PENALTY": "5"}, sections=[GradesSettings])
    changed = settings.with_overrides(port=4200)
    # then the copy hands out the same section
    assert changed.port == 4200
    assert changed.section(GradesSettings).late_penalty == 5


def test_service_exposes_its_section(tmp_path: Path) -> None:
    # given the platform loaded with identity's section from the environment
    env = {"LMS_IDENTITY_INVITATION_TTL_HOURS": "12"}
    settings = Settings.load(env, data_dir=tmp_path, sections=[IdentitySettings])
    service = Platform.from_settings(settings).add(IDENTITY)
    # when the service reads it, then it is the loaded section, typed and untyped
    assert service.settings_of(IdentitySettings).invitation_ttl_hours == 12
    assert service.settings_section is settings.section(IdentitySettings)
    # and asking for another class is refused
    with pytest.raises(TypeError):
        service.settings_of(GradesSettings)


def test_service_without_settings_has_no_section(tmp_path: Path) -> None:
    # given a spec without settings, when running, then its section is None
    spec = ServiceSpec(
        name="plain", metadata=IDENTITY.metadata, migrations_dir=tmp_path, schema=IDENTITY.schema
    )
    service = Platform.from_settings(Settings.load({}, data_dir=tmp_path)).add(spec)
    assert service.settings_section is None


def test_registry_lists_identity_section() -> None:
    # given the service registry, then identity's section is listed under its name
    assert settings_sections()["identity"] is IdentitySettings
    assert "LMS_IDENTITY_INVITATION_URL" in section_env_names(IdentitySettings)


def test_lms_accepts_and_prints_identity_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # given an identity setting in the environment
    monkeypatch.setenv("LMS_IDENTITY_INVITATION_TTL_HOURS", "48")
    # when `lms settings` runs
    code = main(["settings"])
    out = capsys.readouterr().out
    # then it lists the value under identity's heading
    assert code == 0
    assert "# identity\n" in out
    assert "LMS_IDENTITY_INVITATION_TTL_HOURS=48" in out


def test_lms_refuses_invalid_identity_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # given an invalid identity setting, when any command runs
    monkeypatch.setenv("LMS_IDENTITY_INVITATION_TTL_HOURS", "0")
    code = main(["settings"])
    # then it stops with one line naming the variable
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("lms: invalid setting LMS_IDENTITY_INVITATION_TTL_HOURS='0'")
