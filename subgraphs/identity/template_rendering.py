"""Checking and rendering email templates: Jinja2 in a sandbox, plain text values only.

Colleges write their own templates, so a template is treated as untrusted
code. It is parsed by Jinja2's ``SandboxedEnvironment`` and then walked: only
text, the variables documented for its key (:data:`TEMPLATE_VARIABLES`),
constants, ``if`` / ``else``, comparisons, ``~`` and a short list of text
filters are allowed. Attribute and item access, calls, loops, ``set``,
``include`` and the like are refused with the line they are on, so
``{{ ''.__class__ }}`` never reaches the renderer; the sandbox and
``StrictUndefined`` stay as the second line of defence. Variables are plain
strings. HTML bodies are autoescaped, text bodies and subjects are not.
Templates and rendered output have size limits.

Pure functions: no database. The platform's defaults live in ``templates/``
next to this module (``<key>.subject.txt``, ``<key>.txt``, ``<key>.html``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from shared.errors import DomainError, DomainErrors
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import TemplateKey

__all__ = [
    "ALLOWED_FILTERS",
    "MAX_BODY_CHARS",
    "MAX_RENDERED_CHARS",
    "MAX_SUBJECT_CHARS",
    "SAMPLE_VARIABLES",
    "TEMPLATE_VARIABLES",
    "RenderedEmail",
    "TemplateContent",
    "default_content",
    "render_content",
    "validate_content",
]

MAX_SUBJECT_CHARS = 255
"""Longest subject template, and longest rendered subject (longer ones are cut)."""
MAX_BODY_CHARS = 64 * 1024
"""Longest text or HTML body template, in characters."""
MAX_RENDERED_CHARS = 256 * 1024
"""Longest rendered text or HTML body, in characters."""
_MAX_FILTER_NUMBER = 1000
"""Largest number a filter argument may be (``truncate(50)``, ``center(80)``)."""

_COMMON: Mapping[str, str] = {
    "college_name": "The college's name.",
    "display_name": "The recipient's name.",
}
TEMPLATE_VARIABLES: Mapping[TemplateKey, Mapping[str, str]] = MappingProxyType(
    {
        TemplateKey.INVITATION: {
            **_COMMON,
            "accept_url": "The link that accepts the invitation (holds a single-use token).",
            "expires_at": "When the link expires, formatted for the reader.",
        },
        TemplateKey.WELCOME: {
            **_COMMON,
            "login_url": "Where the recipient signs in.",
        },
        TemplateKey.PASSWORD_RESET: {
            **_COMMON,
            "reset_url": "The link that sets a new password (holds a single-use token).",
            "expires_at": "When the link expires, formatted for the reader.",
        },
        TemplateKey.ACCOUNT_DEACTIVATED: dict(_COMMON),
    }
)
"""The variables each template may use, and what they hold; every one is always given."""

SAMPLE_VARIABLES: Mapping[str, str] = MappingProxyType(
    {
        "college_name": "North Valley College",
        "display_name": "Ada Lovelace",
        "accept_url": "https://lms.example.edu/invitation?token=sample-token",
        "reset_url": "https://lms.example.edu/password-reset?token=sample-token",
        "login_url": "https://lms.example.edu/login",
        "expires_at": "1 March 2030, 17:00 UTC",
    }
)
"""Values of every variable for previews."""

ALLOWED_FILTERS: frozenset[str] = frozenset(
    {
        "capitalize",
        "center",
        "d",
        "default",
        "e",
        "escape",
        "indent",
        "length",
        "lower",
        "replace",
        "striptags",
        "title",
        "trim",
        "truncate",
        "upper",
        "urlencode",
        "wordwrap",
    }
)
"""Text filters a template may use; ``safe``, ``attr``, ``map`` and the rest are refused."""

_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.Filter,
    nodes.Keyword,
    nodes.If,
    nodes.CondExpr,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Compare,
    nodes.Operand,
    nodes.Concat,
)

_REFUSED: Mapping[type[nodes.Node], str] = {
    nodes.Getattr: "attribute access is not allowed: variables are plain text",
    nodes.Getitem: "item access is not allowed: variables are plain text",
    nodes.Call: "calls are not allowed",
    nodes.For: "loops are not allowed",
    nodes.Assign: "'set' is not allowed",
    nodes.AssignBlock: "'set' is not allowed",
    nodes.Include: "including other templates is not allowed",
    nodes.Extends: "extending other templates is not allowed",
    nodes.Import: "importing templates is not allowed",
    nodes.FromImport: "importing templates is not allowed",
    nodes.Macro: "macros are not allowed",
    nodes.Test: "tests ('is ...') are not allowed",
    nodes.Pow: "arithmetic is not allowed",
    nodes.Mul: "arithmetic is not allowed",
}


@dataclass(frozen=True, kw_only=True)
class TemplateContent:
    """The three parts of a template: subject line, text body and optional HTML body."""

    subject: str
    body_text: str
    body_html: str | None = None


@dataclass(frozen=True, kw_only=True)
class RenderedEmail:
    """A rendered template, ready to send: one-line subject, text and optional HTML."""

    subject: str
    text: str
    html: str | None = None


def _environment(*, autoescape: bool) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        autoescape=autoescape,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        cache_size=0,
    )
    env.globals.clear()  # no range(), dict(), lipsum(), namespace() ...
    env.filters = {name: env.filters[name] for name in ALLOWED_FILTERS}
    env.tests = {}
    return env


_PLAIN = _environment(autoescape=False)
_HTML = _environment(autoescape=True)


@cache
def default_content(key: TemplateKey) -> TemplateContent:
    """The platform's own template for ``key``, used while a college has none."""
    folder = resources.files("subgraphs.identity").joinpath("templates")
    return TemplateContent(
        subject=folder.joinpath(f"{key.value}.subject.txt").read_text("utf-8").strip(),
        body_text=folder.joinpath(f"{key.value}.txt").read_text("utf-8"),
        body_html=folder.joinpath(f"{key.value}.html").read_text("utf-8"),
    )


def validate_content(key: TemplateKey, content: TemplateContent) -> None:
    """Raise ``DomainErrors`` naming every problem of ``content`` as a template for ``key``.

    Each error names its part (``field``: ``subject``, ``body_text``,
    ``body_html``), the line and the problem: a syntax error
    (``INVALID_TEMPLATE``), a variable ``key`` does not have
    (``UNKNOWN_TEMPLATE_VARIABLE``), a refused construct (``INVALID_TEMPLATE``)
    or a part over its size limit (``TEMPLATE_TOO_LARGE``).
    """
    errors = [
        *_check_part(key, "subject", content.subject, MAX_SUBJECT_CHARS, _PLAIN),
        *_check_part(key, "body_text", content.body_text, MAX_BODY_CHARS, _PLAIN),
    ]
    if content.body_html is not None:
        errors += _check_part(key, "body_html", content.body_html, MAX_BODY_CHARS, _HTML)
    if not content.subject.strip():
        errors.append(_error(IdentityErrorCode.INVALID_TEMPLATE, "subject", "it is empty"))
    if not content.body_text.strip():
        errors.append(_error(IdentityErrorCode.INVALID_TEMPLATE, "body_text", "it is empty"))
    if errors:
        raise DomainErrors(errors)


def render_content(
    key: TemplateKey, content: TemplateContent, variables: Mapping[str, str]
) -> RenderedEmail:
    """Render ``content`` with ``variables``, which must be exactly the variables of ``key``.

    Raises ``UNKNOWN_TEMPLATE_VARIABLE`` for a variable ``key`` does not have,
    ``TEMPLATE_RENDER_FAILED`` for a missing one, a refused operation or an
    output over :data:`MAX_RENDERED_CHARS`. The subject becomes one line of
    at most :data:`MAX_SUBJECT_CHARS` characters.
    """
    allowed = TEMPLATE_VARIABLES[key]
    unknown = sorted(set(variables) - set(allowed))
    if unknown:
        raise DomainError(
            IdentityErrorCode.UNKNOWN_TEMPLATE_VARIABLE,
            f"{key.value} templates have no variable {', '.join(map(repr, unknown))}.",
            "variables",
        )
    missing = sorted(set(allowed) - set(variables))
    if missing:
        raise DomainError(
            IdentityErrorCode.TEMPLATE_RENDER_FAILED,
            f"Missing variable {', '.join(map(repr, missing))} for the {key.value} template.",
            "variables",
        )
    not_text = sorted(name for name, value in variables.items() if not isinstance(value, str))
    if not_text:
        raise TypeError(f"template variables must be strings: {', '.join(not_text)}")
    values = dict(variables)
    subject = " ".join(_render_part("subject", content.subject, _PLAIN, values).split())
    if len(subject) > MAX_SUBJECT_CHARS:
        subject = subject[: MAX_SUBJECT_CHARS - 1].rstrip() + "…"
    return RenderedEmail(
        subject=subject,
        text=_render_part("body_text", content.body_text, _PLAIN, values),
        html=(
            _render_part("body_html", content.body_html, _HTML, values)
            if content.body_html is not None
            else None
        ),
    )


# -- checking -------------------------------------------------------------------------------
def _check_part(
    key: TemplateKey, part: str, source: str, limit: int, env: SandboxedEnvironment
) -> list[DomainError]:
    if len(source) > limit:
        return [
            DomainError(
                IdentityErrorCode.TEMPLATE_TOO_LARGE,
                f"{part}: {len(source)} characters, at most {limit} are allowed.",
                part,
            )
        ]
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        return [
            _error(
                IdentityErrorCode.INVALID_TEMPLATE, part, exc.message or "syntax error", exc.lineno
            )
        ]
    errors = list(_check_tree(key, part, tree))
    if errors:
        return errors
    try:
        env.from_string(source)
    except TemplateSyntaxError as exc:  # anything the walk let through that Jinja refuses
        return [
            _error(
                IdentityErrorCode.INVALID_TEMPLATE, part, exc.message or "syntax error", exc.lineno
            )
        ]
    return []


def _check_tree(key: TemplateKey, part: str, tree: nodes.Template) -> Iterator[DomainError]:
    allowed = TEMPLATE_VARIABLES[key]
    for node in _walk(tree):
        line = getattr(node, "lineno", None)
        if isinstance(node, nodes.Name):
            if node.name not in allowed:
                names = ", ".join(sorted(allowed))
                yield _error(
                    IdentityErrorCode.UNKNOWN_TEMPLATE_VARIABLE,
                    part,
                    f"unknown variable {node.name!r}; {key.value} templates may use {names}",
                    line,
                )
        elif isinstance(node, nodes.Filter):
            yield from _check_filter(part, node)
        elif not isinstance(node, _ALLOWED_NODES):
            problem = _REFUSED.get(type(node), f"'{type(node).__name__}' is not allowed")
            yield _error(IdentityErrorCode.INVALID_TEMPLATE, part, problem, line)


def _check_filter(part: str, node: nodes.Filter) -> Iterator[DomainError]:
    if node.name not in ALLOWED_FILTERS:
        yield _error(
            IdentityErrorCode.INVALID_TEMPLATE,
            part,
            f"filter {node.name!r} is not allowed; use one of {', '.join(sorted(ALLOWED_FILTERS))}",
            node.lineno,
        )
    if node.dyn_args is not None or node.dyn_kwargs is not None:
        yield _error(
            IdentityErrorCode.INVALID_TEMPLATE, part, "'*' and '**' are not allowed", node.lineno
        )
    for arg in [*node.args, *(keyword.value for keyword in node.kwargs)]:
        if (
            isinstance(arg, nodes.Const)
            and isinstance(arg.value, int | float)
            and abs(arg.value) > _MAX_FILTER_NUMBER
        ):
            yield _error(
                IdentityErrorCode.INVALID_TEMPLATE,
                part,
                f"filter {node.name!r}: numbers above {_MAX_FILTER_NUMBER} are not allowed",
                node.lineno,
            )


def _walk(node: nodes.Node) -> Iterator[nodes.Node]:
    """Every node under ``node``; below a refused node nothing more is reported."""
    yield node
    if isinstance(node, _ALLOWED_NODES):
        for child in node.iter_child_nodes():
            yield from _walk(child)


def _error(
    code: IdentityErrorCode, part: str, problem: str, line: int | None = None
) -> DomainError:
    where = f"{part}, line {line}" if line is not None else part
    return DomainError(code, f"{where}: {problem.rstrip('.')}.", part)


# -- rendering ------------------------------------------------------------------------------
@lru_cache(maxsize=512)
def _compiled(env: SandboxedEnvironment, source: str) -> Template:
    """``source`` compiled once: a batch of invitations renders one template many times."""
    return env.from_string(source)


def _render_part(part: str, source: str, env: SandboxedEnvironment, values: dict[str, str]) -> str:
    chunks: list[str] = []
    size = 0
    try:
        for chunk in _compiled(env, source).generate(values):
            size += len(chunk)
            if size > MAX_RENDERED_CHARS:
                raise DomainError(
                    IdentityErrorCode.TEMPLATE_RENDER_FAILED,
                    f"{part}: the rendered email is over {MAX_RENDERED_CHARS} characters.",
                    part,
                )
            chunks.append(chunk)
    except TemplateError as exc:  # SecurityError, UndefinedError, syntax
        raise DomainError(
            IdentityErrorCode.TEMPLATE_RENDER_FAILED, f"{part}: {exc.message}.", part
        ) from exc
    return "".join(chunks)
