"""compose.yaml, the Prometheus configuration and the Dockerfile agree with the platform.

Docker is not needed: the files are read as data and checked against the
service registry and the settings class.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from lms import services as service_registry
from shared.config import Settings
from shared.http import TrustedProxies

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "infra" / "Dockerfile"
PROMETHEUS = ROOT / "infra" / "prometheus" / "prometheus.yml"
DOCKERIGNORE = ROOT / ".dockerignore"

IMAGE = "lms-platform:dev"
GATEWAY = "gateway"
BACKENDS = ("postgres", "redis", "kafka", "minio")
ONE_SHOT_JOBS = {"migrate": ["migrate", "upgrade"], "topics": ["topics", "--create"]}

_VARIABLE = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?-)(?P<default>[^}]*))?\}"
)


def interpolate(value: str, environ: Mapping[str, str] | None = None) -> str:
    """Compose's ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}`` and ``$$`` rules."""
    env = environ or {}

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, default = match.group("name"), match.group("op"), match.group("default")
        if op == ":-":
            return env.get(name) or default
        if op == "-":
            return env.get(name, default)
        return env.get(name, "")

    return _VARIABLE.sub(replace, value)


def registered_services() -> set[str]:
    registry = getattr(service_registry, "SERVICES", None)
    if registry is None:
        registry = service_registry.SERVICE_MODULES
    return set(registry)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(document, dict)
    return document


@pytest.fixture(scope="module")
def containers(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    services = compose["services"]
    assert isinstance(services, dict)
    return services


def command_of(container: Mapping[str, Any]) -> list[str]:
    command = container.get("command", [])
    return shlex.split(command) if isinstance(command, str) else [str(c) for c in command]


def platform_containers(containers: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The containers running ``lms serve <name>`` for a service, by service name."""
    found: dict[str, dict[str, Any]] = {}
    for container in containers.values():
        command = command_of(container)
        if container.get("image") == IMAGE and command[:1] == ["serve"] and command[1] != GATEWAY:
            found[command[1]] = container
    return found


def gateway_container(containers: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """The one container running ``lms serve gateway``."""
    [found] = [
        c
        for c in containers.values()
        if c.get("image") == IMAGE and command_of(c) == ["serve", GATEWAY]
    ]
    return found


def environment_of(container: Mapping[str, Any]) -> dict[str, str]:
    raw = container.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {str(k): interpolate(str(v)) for k, v in raw.items()}


def lms_variables(node: Any) -> Iterator[str]:
    """Every ``LMS_*`` name set anywhere in a YAML document (mapping or ``K=V`` form)."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if isinstance(key, str) and key.startswith("LMS_"):
                yield key
            yield from lms_variables(value)
    elif isinstance(node, list):
        for item in node:
            yield from lms_variables(item)
    elif isinstance(node, str) and re.match(r"^LMS_[A-Z0-9_]+=", node):
        yield node.split("=", 1)[0]


def test_compose_uses_the_specification_without_a_version_key(compose: dict[str, Any]) -> None:
    assert "version" not in compose
    assert "x-lms-env" in compose


def test_every_registered_service_has_a_serve_container(
    containers: dict[str, dict[str, Any]],
) -> None:
    running = platform_containers(containers)

    assert running, "compose.yaml runs no `lms serve` container"
    assert registered_services() <= set(running)
    for name, container in running.items():
        assert container["command"] == ["serve", name]


def test_platform_containers_share_one_image_built_from_the_dockerfile(
    containers: dict[str, dict[str, Any]],
) -> None:
    lms_containers = [c for c in containers.values() if c.get("image") == IMAGE]

    assert {tuple(command_of(c)) for c in lms_containers} >= {
        tuple(c) for c in ONE_SHOT_JOBS.values()
    }
    for container in lms_containers:
        assert container["build"] == {"context": ".", "dockerfile": "infra/Dockerfile"}
    for job, command in ONE_SHOT_JOBS.items():
        assert command_of(containers[job]) == command
        assert containers[job]["restart"] == "no"


def test_platform_containers_publish_distinct_ports_and_have_health_checks(
    containers: dict[str, dict[str, Any]],
) -> None:
    host_ports: list[str] = []
    serving = {**platform_containers(containers), GATEWAY: gateway_container(containers)}
    for name, container in serving.items():
        (mapping,) = container["ports"]
        host_port, container_port = str(mapping).split(":")
        assert container_port == environment_of(container)["LMS_PORT"], name
        host_ports.append(host_port)
        healthcheck = container["healthcheck"]
        assert not healthcheck.get("disable", False), name
        assert "/health" in " ".join(healthcheck["test"]), name
    assert len(host_ports) == len(set(host_ports))


@pytest.mark.parametrize("backend", BACKENDS)
def test_infrastructure_services_have_health_checks(
    containers: dict[str, dict[str, Any]], backend: str
) -> None:
    healthcheck = containers[backend]["healthcheck"]
    assert healthcheck["test"][0] in ("CMD", "CMD-SHELL")
    assert not healthcheck.get("disable", False)


def test_postgres_is_16_kafka_runs_kraft_and_redis_is_7(
    containers: dict[str, dict[str, Any]],
) -> None:
    assert containers["postgres"]["image"].startswith("postgres:16")
    assert containers["redis"]["image"].startswith("redis:7")
    kafka = containers["kafka"]["environment"]
    assert kafka["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "zookeeper" not in COMPOSE.read_text()


def test_service_containers_wait_for_healthy_backends_and_finished_jobs(
    containers: dict[str, dict[str, Any]],
) -> None:
    for name, container in platform_containers(containers).items():
        depends_on = container["depends_on"]
        for backend in BACKENDS:
            assert depends_on[backend]["condition"] == "service_healthy", (name, backend)
        for job in ("migrate", "topics", "minio-init"):
            assert depends_on[job]["condition"] == "service_completed_successfully", (name, job)
    assert containers["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert containers["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"


def test_the_gateway_serves_the_mounted_supergraph_in_front_of_every_service(
    containers: dict[str, dict[str, Any]],
) -> None:
    # given the gateway container and the service containers
    gateway = gateway_container(containers)
    services = platform_containers(containers)
    settings = Settings.load(environment_of(gateway))

    # then it reaches every service container by name, at the port it listens on
    expected = {
        name: f"http://{name}:{environment_of(container)['LMS_PORT']}/graphql"
        for name, container in services.items()
    }
    assert settings.gateway_subgraph_url_overrides == expected
    # and starts once every service answers its health check
    for name in services:
        assert gateway["depends_on"][name]["condition"] == "service_healthy", name
    # and serves the supergraph from the repository's schema folder, mounted read-only
    supergraph = settings.gateway_supergraph
    assert supergraph is not None
    assert supergraph.name == "supergraph.graphql"
    mounts = {}
    for volume in gateway["volumes"]:
        source, target, *options = str(volume).split(":")
        mounts[target] = (source, options)
    source, options = mounts[str(supergraph.parent)]
    assert (ROOT / source).resolve() == ROOT / "schema"
    assert options == ["ro"]
    assert settings.gateway_reload_interval > 0


def test_every_lms_variable_in_compose_is_a_real_setting(compose: dict[str, Any]) -> None:
    names = set(lms_variables(compose))

    assert names, "compose.yaml sets no LMS_ variable"
    assert names <= Settings.env_names(), sorted(names - Settings.env_names())


def test_each_platform_container_environment_loads_as_production_settings(
    containers: dict[str, dict[str, Any]],
) -> None:
    for name, container in containers.items():
        if container.get("image") != IMAGE:
            continue
        settings = Settings.load(environment_of(container))
        assert settings.environment == "production", name
        assert settings.database_backend == "postgres"
        assert "{service}" in settings.database_url
        assert settings.events_backend == "kafka"
        assert settings.cache_backend == "redis"
        assert settings.storage_backend == "s3"
        assert settings.effective_log_format == "json"
        assert settings.otlp_endpoint


def test_prometheus_scrapes_every_service_container_and_the_gateway(
    containers: dict[str, dict[str, Any]],
) -> None:
    config = yaml.safe_load(PROMETHEUS.read_text())
    targets = {
        target
        for job in config["scrape_configs"]
        for static in job.get("static_configs", [])
        for target in static["targets"]
    }
    for name, container in platform_containers(containers).items():
        port = environment_of(container)["LMS_PORT"]
        assert f"{name}:{port}" in targets
    gateway_port = environment_of(gateway_container(containers))["LMS_PORT"]
    assert f"{GATEWAY}:{gateway_port}" in targets


def test_interpolation_follows_compose_rules() -> None:
    assert interpolate("a${X:-dflt}b") == "adfltb"
    assert interpolate("${X:-dflt}", {"X": ""}) == "dflt"
    assert interpolate("${X-dflt}", {"X": ""}) == ""
    assert interpolate("${X}-$$HOME", {"X": "v"}) == "v-$HOME"


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    instructions = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def test_dockerfile_installs_the_lock_file_then_the_project() -> None:
    instructions = dockerfile_instructions()
    runs = [rest for keyword, rest in instructions if keyword == "RUN"]

    assert instructions[0] == ("FROM", "python:3.11-slim")
    assert ("COPY", "requirements/base.lock /tmp/base.lock") in instructions
    lock_install = next(i for i, r in enumerate(runs) if "-r /tmp/base.lock" in r)
    project_install = next(i for i, r in enumerate(runs) if "pip install --no-deps ." in r)
    assert lock_install < project_install


def test_dockerfile_runs_as_a_user_with_a_health_check_and_the_lms_entrypoint() -> None:
    instructions = dict(dockerfile_instructions())

    assert instructions["USER"] not in ("root", "0")
    assert "/health" in instructions["HEALTHCHECK"]
    assert instructions["ENTRYPOINT"] == '["lms"]'
    env = " ".join(rest for keyword, rest in dockerfile_instructions() if keyword == "ENV")
    env_names = set(re.findall(r"\b(LMS_[A-Z0-9_]+)=", env))
    assert env_names
    assert env_names <= Settings.env_names()


def test_dockerignore_keeps_the_context_small_but_complete() -> None:
    ignored = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()}

    assert {".git", ".venv", "tests"} <= ignored
    assert not ignored & {"requirements", "lms", "shared", "pyproject.toml", "README.md"}


IDENTITY = "identity"


def test_identity_signs_with_persisted_keys_and_every_other_container_verifies_its_jwks(
    containers: dict[str, dict[str, Any]],
) -> None:
    # given identity's container and every other container serving requests
    services = platform_containers(containers)
    identity = services.pop(IDENTITY)
    verifiers = {**services, GATEWAY: gateway_container(containers)}
    identity_settings = Settings.load(environment_of(identity))
    jwks = f"http://{IDENTITY}:{environment_of(identity)['LMS_PORT']}/.well-known/jwks.json"

    # then identity signs with its local keys, kept in a named volume
    assert identity_settings.jwks_url is None
    keys_dir = str(identity_settings.effective_jwt_keys_dir)
    mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in identity.get("volumes", [])}
    assert keys_dir in mounts, "identity's signing keys must outlive the container"
    named_volumes = set(yaml.safe_load(COMPOSE.read_text())["volumes"])
    assert mounts[keys_dir] in named_volumes
    # and every other container verifies tokens against identity's JWKS
    for name, container in verifiers.items():
        assert Settings.load(environment_of(container)).jwks_url == jwks, name
    # and waits for identity before serving
    assert containers[GATEWAY]["depends_on"][IDENTITY]["condition"] == "service_healthy"


def test_services_trust_only_the_gateway_to_tell_them_the_client(
    compose: dict[str, Any], containers: dict[str, dict[str, Any]]
) -> None:
    # given the gateway's fixed address on the compose network
    gateway = gateway_container(containers)
    address = ipaddress.ip_address(gateway["networks"]["default"]["ipv4_address"])
    [subnet] = compose["networks"]["default"]["ipam"]["config"]
    network = ipaddress.ip_network(subnet["subnet"])
    assert address in network
    # then every service believes X-Forwarded-For from the gateway, and from no other
    # container of the network (the host reaches published ports through its first address)
    for name, container in platform_containers(containers).items():
        trusted = TrustedProxies.parse(Settings.load(environment_of(container)).trusted_proxies)
        assert trusted.trusts(address), name
        assert not trusted.trusts(network[1]), name
        assert not trusted.trusts(network[11]), name
    # and the gateway, the edge, believes no one on that network
    edge = TrustedProxies.parse(Settings.load(environment_of(gateway)).trusted_proxies)
    assert not edge.trusts(network[1])
    assert not edge.trusts(address)
