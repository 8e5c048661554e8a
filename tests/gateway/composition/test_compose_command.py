"""``lms compose``: the project's schema folder, its check, and composing given subgraphs.

The project-mode tests compose the project's real subgraphs into a temporary
folder (``--schema-dir``), so they never touch the committed ``schema/``;
``test_committed_schema_is_current`` checks that one.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from graphql import (
    DefinitionNode,
    DocumentNode,
    FieldDefinitionNode,
    InputValueDefinitionNode,
    ObjectTypeDefinitionNode,
    parse,
    parse_const_value,
    print_ast,
)

from gateway.supergraph import Supergraph
from lms.cli import main
from lms.services import SERVICE_MODULES
from lms.supergraph import (
    SCHEMA_DIR,
    compose_project,
    project_subgraph_sdls,
    schema_files,
    stale_schema_files,
    subgraph_url,
)

# -- given subgraphs ------------------------------------------------------------------


def test_compose_writes_a_supergraph_with_given_urls(tmp_path: Path) -> None:
    (tmp_path / "a.graphql").write_text("type Query { a: Int }")
    out = tmp_path / "super.graphql"
    args = ["compose", "--subgraph", f"a={tmp_path / 'a.graphql'}", "--url", "a=http://x/graphql"]
    assert main([*args, "--output", str(out)]) == 0
    assert Supergraph.parse(out.read_text()).subgraphs["a"].url == "http://x/graphql"


def test_failed_composition_prints_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.graphql").write_text(
            'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9")\n'
            "type Query { a: Int }"
        )
    subgraphs = [f"--subgraph={n}={tmp_path / f'{n}.graphql'}" for n in ("a", "b")]
    code = main(["compose", *subgraphs, "--output", str(tmp_path / "o")])
    assert code == 1
    assert capsys.readouterr().err.startswith("INVALID_FIELD_SHARING: ")


@pytest.mark.parametrize(
    ("args", "advice"),
    [
        pytest.param(
            ["--subgraph", "a=a.graphql"], "--subgraph needs --output PATH", id="no output"
        ),
        pytest.param(["--url", "a=http://a"], "add that --subgraph", id="url alone"),
        pytest.param(
            ["--subgraph", "a=a.graphql", "--output", "o", "--check"],
            "apply to the project's own subgraphs",
            id="check with subgraphs",
        ),
        pytest.param(
            ["--check", "--output", "o"], "--check writes nothing", id="check with output"
        ),
    ],
)
def test_contradictory_options_are_refused_with_advice(
    args: list[str], advice: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # given options that select no single mode
    # when lms compose runs with them
    code = main(["compose", *args])
    # then it exits 2 with one line saying what to change
    assert code == 2
    assert advice in capsys.readouterr().err


# -- the project's subgraphs ----------------------------------------------------------


@pytest.fixture(scope="module")
def project_schema_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A schema folder written once by ``lms compose --schema-dir``; copy it before editing."""
    schema_dir = tmp_path_factory.mktemp("schema")
    assert main(["compose", "--schema-dir", str(schema_dir)]) == 0
    return schema_dir


@pytest.fixture
def schema_copy(project_schema_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the freshly written schema folder."""
    return Path(shutil.copytree(project_schema_dir, tmp_path / "schema"))


def check(schema_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``lms compose --check`` on ``schema_dir``: (exit status, stdout, stderr)."""
    code = main(["compose", "--check", "--schema-dir", str(schema_dir)])
    out, err = capsys.readouterr()
    return code, out, err


def test_project_mode_writes_every_subgraph_and_the_supergraph(
    project_schema_dir: Path, tmp_path: Path
) -> None:
    # given the folder written by `lms compose --schema-dir DIR`
    supergraph_file = project_schema_dir / "supergraph.graphql"
    subgraph_files = sorted((project_schema_dir / "subgraphs").glob("*.graphql"))
    # then it holds one SDL per registered service and a supergraph naming each at its URL
    assert [path.stem for path in subgraph_files] == sorted(SERVICE_MODULES)
    supergraph = Supergraph.parse(supergraph_file.read_text())
    assert {name: info.url for name, info in supergraph.subgraphs.items()} == {
        name: subgraph_url(name) for name in SERVICE_MODULES
    }
    # and the subgraph files, composed with the same URLs, give that same supergraph
    out = tmp_path / "again.graphql"
    args = ["compose", "--output", str(out)]
    for path in subgraph_files:
        args += [
            "--subgraph",
            f"{path.stem}={path}",
            "--url",
            f"{path.stem}={subgraph_url(path.stem)}",
        ]
    assert main(args) == 0
    assert out.read_text() == supergraph_file.read_text()


def test_project_mode_removes_subgraphs_no_longer_registered(
    schema_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a schema folder holding the SDL of a service that is not registered, and a README
    (schema_copy / "subgraphs" / "gone.graphql").write_text("type Query { gone: Int }\n")
    (schema_copy / "README.md").write_text("hand-written\n")
    # when lms compose writes the folder
    assert main(["compose", "--schema-dir", str(schema_copy)]) == 0
    # then the left-over SDL is deleted and said so, and the README is kept
    assert not (schema_copy / "subgraphs" / "gone.graphql").exists()
    assert (schema_copy / "README.md").read_text() == "hand-written\n"
    out = capsys.readouterr().out
    assert "removed " in out
    assert "gone.graphql (no service named gone is registered)" in out
    assert out.count("wrote ") == len(SERVICE_MODULES) + 1


def test_output_without_subgraphs_writes_the_project_supergraph(
    project_schema_dir: Path, tmp_path: Path
) -> None:
    # given no --subgraph, only --output
    out = tmp_path / "supergraph.graphql"
    # when lms compose runs
    assert main(["compose", "--output", str(out)]) == 0
    # then the file is the project's supergraph, the one project mode writes
    assert out.read_text() == (project_schema_dir / "supergraph.graphql").read_text()


def test_a_failed_project_composition_prints_each_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given project subgraphs that both resolve Query.a without @shareable
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9")\n'
        "type Query { a: Int }\n"
    )
    monkeypatch.setattr(
        "lms.commands.compose.project_subgraph_sdls", lambda: {"one": sdl, "two": sdl}
    )
    # when lms compose writes the schema folder
    code = main(["compose", "--schema-dir", str(tmp_path)])
    # then it exits 1 with the errors, one per line with its code, and writes nothing
    assert code == 1
    assert capsys.readouterr().err.startswith("INVALID_FIELD_SHARING: ")
    assert list(tmp_path.iterdir()) == []


def test_check_passes_on_a_current_schema_dir(
    project_schema_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a folder just written by lms compose
    # when checked
    code, out, err = check(project_schema_dir, capsys)
    # then it is current, in one line
    assert (code, err) == (0, "")
    assert out.strip().endswith("/ is current")
    assert out.count("\n") == 1


def test_check_names_missing_and_left_over_files(
    schema_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a folder missing the supergraph and holding an unregistered subgraph's SDL
    (schema_copy / "supergraph.graphql").unlink()
    (schema_copy / "subgraphs" / "gone.graphql").write_text("type Query { gone: Int }\n")
    # when checked
    code, out, err = check(schema_copy, capsys)
    # then it fails naming both files, and says how to fix it
    assert (code, out) == (1, "")
    assert "supergraph.graphql: missing" in err
    assert "gone.graphql: belongs to no registered service" in err
    assert "no committed supergraph to compare with" in err
    assert err.rstrip().endswith(
        f"run `lms compose --schema-dir {schema_copy}/` and commit {schema_copy}/"
    )


def test_check_with_only_a_subgraph_file_changed_lists_no_api_change(
    schema_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a folder whose supergraph is current but one subgraph file was edited by hand
    subgraph = sorted((schema_copy / "subgraphs").glob("*.graphql"))[0]
    subgraph.write_text(subgraph.read_text() + "# edited\n")
    # when checked
    code, _, err = check(schema_copy, capsys)
    # then that file is stale and the API is reported unchanged
    assert code == 1
    assert f"{subgraph.name}: differs from a fresh composition" in err
    assert "API changes: none to types, fields" in err


def edit_query_field(
    schema_dir: Path,
    edit: Callable[[tuple[FieldDefinitionNode, ...]], tuple[FieldDefinitionNode, ...]],
) -> None:
    """Rewrite the committed supergraph of ``schema_dir`` with Query's fields edited."""
    path = schema_dir / "supergraph.graphql"
    document = parse(path.read_text())

    def edited(node: DefinitionNode) -> DefinitionNode:
        if isinstance(node, ObjectTypeDefinitionNode) and node.name.value == "Query":
            return replace(node, fields=edit(node.fields or ()))
        return node

    path.write_text(print_ast(DocumentNode(definitions=tuple(map(edited, document.definitions)))))


def edit_audit_log_argument(
    schema_dir: Path,
    name: str,
    edit: Callable[[InputValueDefinitionNode], InputValueDefinitionNode | None],
) -> None:
    """Rewrite argument ``name`` of ``Query.auditLog`` in the committed supergraph.

    ``edit`` returning ``None`` drops the argument.
    """

    def edit_fields(fields: tuple[FieldDefinitionNode, ...]) -> tuple[FieldDefinitionNode, ...]:
        assert "auditLog" in [f.name.value for f in fields]
        result = []
        for field in fields:
            if field.name.value == "auditLog":
                arguments = [edit(a) if a.name.value == name else a for a in field.arguments or ()]
                field = replace(field, arguments=tuple(a for a in arguments if a is not None))
            result.append(field)
        return tuple(result)

    edit_query_field(schema_dir, edit_fields)


def test_check_reports_a_removed_field_as_breaking(
    schema_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a committed supergraph with a Query field the project no longer has
    extra = parse("type Query { legacyTitle: String }").definitions[0]
    assert isinstance(extra, ObjectTypeDefinitionNode)
    extra_fields = extra.fields
    assert extra_fields
    edit_query_field(schema_copy, lambda fields: (*fields, *extra_fields))
    # when checked
    code, _, err = check(schema_copy, capsys)
    # then the supergraph is stale and the removal is listed as breaking
    assert code == 1
    assert "supergraph.graphql: differs from a fresh composition" in err
    assert "  breaking (1):\n    Field Query.legacyTitle was removed.\n" in err
    assert "dangerous" not in err
    assert "safe (" not in err


def test_check_reports_a_new_optional_argument_as_safe(
    schema_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a committed supergraph from before Query.auditLog had its `after` argument
    edit_audit_log_argument(schema_copy, "after", lambda argument: None)
    # when checked
    code, _, err = check(schema_copy, capsys)
    # then the new argument is listed as a safe change
    assert code == 1
    assert "  safe (1):\n    An optional argument Query.auditLog(after:)" in err
    assert "breaking" not in err
    assert "dangerous" not in err


def test_check_reports_a_changed_default_as_dangerous(
    schema_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given a committed supergraph where Query.auditLog(first:) defaulted to 20
    edit_audit_log_argument(
        schema_copy,
        "first",
        lambda argument: replace(argument, default_value=parse_const_value("20")),
    )
    # when checked
    code, _, err = check(schema_copy, capsys)
    # then the new default is listed as a dangerous change, with both values
    assert code == 1
    assert "  dangerous (1):\n    Default value of argument Query.auditLog(first:)" in err
    assert "changed from 20 to null" in err
    assert err.rstrip().endswith("and commit " + f"{schema_copy}/")


def test_committed_schema_is_current() -> None:
    # given the project's subgraphs composed afresh
    sdls = project_subgraph_sdls()
    supergraph_sdl = compose_project(sdls).supergraph_sdl
    assert supergraph_sdl is not None
    # when compared with the committed schema/ folder
    stale = stale_schema_files(schema_files(sdls, supergraph_sdl), SCHEMA_DIR)
    # then every file matches (else: run `lms compose` and commit schema/)
    assert [f"{file.path.name}: {file.reason}" for file in stale] == []
