"""The switch: ``LMS_GATEWAY_RELAY_NODE``, and the default each command passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.engine import Gateway
from gateway.supergraph import Supergraph
from shared.config import Settings


@pytest.mark.parametrize(
    ("setting", "default", "served"),
    [
        (None, False, False),
        (None, True, True),
        (True, False, True),
        (False, True, False),
    ],
    ids=["unset-off", "unset-on", "set-on-wins", "set-off-wins"],
)
async def test_the_setting_wins_over_the_default(
    supergraph: Supergraph,
    tmp_path: Path,
    setting: bool | None,
    default: bool,
    served: bool,
) -> None:
    # Given the supergraph in a file, and LMS_GATEWAY_RELAY_NODE set or not
    path = tmp_path / "supergraph.graphql"
    path.write_text(supergraph.sdl, encoding="utf-8")
    settings = Settings.load({}, gateway_relay_node=setting)

    # When a gateway is built from the settings with the command's default
    gateway = Gateway.from_settings(settings, path, relay_node_default=default)

    # Then node/nodes are served as the setting says, or else as the default says
    try:
        assert gateway.relay_node is served
        assert ("Node" in gateway.schema.type_map) is served
    finally:
        await gateway.close()


def test_the_environment_variable_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given LMS_GATEWAY_RELAY_NODE=false in the environment
    monkeypatch.setenv("LMS_GATEWAY_RELAY_NODE", "false")

    # When the settings are loaded
    settings = Settings.load()

    # Then the setting is off (not unset)
    assert settings.gateway_relay_node is False
