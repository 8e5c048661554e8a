"""Email templates over GraphQL with real tokens, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.integration.identity.graphql_app import (
    IdentityApp,
    World,
    error_codes,
    gid,
    identity_app,
    world,
)

__all__ = ["identity_app", "world"]

FIELDS = "key version subject bodyText bodyHtml isDefault createdAt"
CURRENT = f"query($key: EmailTemplateKey!) {{ emailTemplate(key: $key) {{ {FIELDS} }} }}"
VERSIONS = f"query($key: EmailTemplateKey!) {{ emailTemplateVersions(key: $key) {{ {FIELDS} }} }}"
VARIABLES = (
    "query($key: EmailTemplateKey!) { emailTemplateVariables(key: $key) "
    "{ name description sample } }"
)
SAVE = f"""
mutation($input: EmailTemplateSaveInput!) {{
  emailTemplateSave(input: $input) {{ template {{ {FIELDS} }} errors {{ field code message }} }}
}}
"""
REVERT = f"""
mutation($input: EmailTemplateRevertInput!) {{
  emailTemplateRevert(input: $input) {{ template {{ {FIELDS} }} errors {{ field code message }} }}
}}
"""
PREVIEW = """
mutation($input: EmailTemplatePreviewInput!) {
  emailTemplatePreview(input: $input) {
    preview { subject text html } errors { field code message }
  }
}
"""
WELCOME = {
    "key": "WELCOME",
    "subject": "Welcome to {{ college_name }}",
    "bodyText": "Hello {{ display_name }},\nsign in at {{ login_url }}.\n",
    "bodyHtml": "<p>Hello {{ display_name | upper }}</p>",
}


async def _save(app: IdentityApp, token: str, **values: Any) -> dict[str, Any]:
    body = await app.post(SAVE, {"input": {**WELCOME, **values}}, token=token)
    payload: dict[str, Any] = body["data"]["emailTemplateSave"]
    return payload


async def test_templates_are_read_saved_reverted_and_previewed(
    identity_app: IdentityApp, world: World
) -> None:
    token = world.tokens["admin_a"]
    key = {"key": "WELCOME"}
    # given no saved version, then the default is current and there is no history
    default = (await identity_app.post(CURRENT, key, token=token))["data"]["emailTemplate"]
    assert (default["version"], default["isDefault"], default["createdAt"]) == (0, True, None)
    assert (await identity_app.post(VERSIONS, key, token=token))["data"][
        "emailTemplateVersions"
    ] == []
    # and the variables the template may use are listed with their meaning
    variables = (await identity_app.post(VARIABLES, key, token=token))["data"][
        "emailTemplateVariables"
    ]
    assert [v["name"] for v in variables] == ["college_name", "display_name", "login_url"]
    assert all(v["description"] and v["sample"] for v in variables)
    # when the admin saves a template
    saved = await _save(identity_app, token)
    # then it is version 1 and current
    assert saved["errors"] == []
    assert (saved["template"]["version"], saved["template"]["isDefault"]) == (1, False)
    current = (await identity_app.post(CURRENT, key, token=token))["data"]["emailTemplate"]
    assert current["subject"] == WELCOME["subject"]
    # when the current template is previewed with a new subject
    body = await identity_app.post(
        PREVIEW,
        {"input": {"key": "WELCOME", "subject": "Hi {{ display_name }} of {{ college_name }}"}},
        token=token,
    )
    # then it is rendered with sample values and the college's own name
    preview = body["data"]["emailTemplatePreview"]["preview"]
    assert preview == {
        "subject": "Hi Ada Lovelace of North Valley",
        "text": "Hello Ada Lovelace,\nsign in at https://lms.example.edu/login.\n",
        "html": "<p>Hello ADA LOVELACE</p>",
    }
    # and nothing was saved by the preview
    versions = (await identity_app.post(VERSIONS, key, token=token))["data"][
        "emailTemplateVersions"
    ]
    assert [v["version"] for v in versions] == [1]
    # when the admin reverts to the default
    reverted = await identity_app.post(
        REVERT, {"input": {"key": "WELCOME", "version": 0}}, token=token
    )
    # then a copy of the default is version 2 and current
    template = reverted["data"]["emailTemplateRevert"]["template"]
    assert (template["version"], template["subject"]) == (2, default["subject"])
    assert template["bodyText"] == default["bodyText"]
    versions = (await identity_app.post(VERSIONS, key, token=token))["data"][
        "emailTemplateVersions"
    ]
    assert [v["version"] for v in versions] == [2, 1]
    # when an unknown version is asked for, then it is not found
    missing = await identity_app.post(
        REVERT, {"input": {"key": "WELCOME", "version": 9}}, token=token
    )
    assert error_codes(missing) == ["NOT_FOUND"]


async def test_template_problems_are_payload_errors_naming_line_and_problem(
    identity_app: IdentityApp, world: World
) -> None:
    token = world.tokens["admin_a"]
    # when the admin saves a body using a variable welcome emails do not have
    payload = await _save(identity_app, token, bodyText="Hello\n{{ reset_url }}\n")
    # then the payload names the part, the line and the variable, and nothing is saved
    assert payload["template"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("bodyText", "UNKNOWN_TEMPLATE_VARIABLE")
    ]
    assert "line 2" in payload["errors"][0]["message"]
    assert "reset_url" in payload["errors"][0]["message"]
    # when the subject has a syntax error and the HTML a refused construct
    payload = await _save(
        identity_app,
        token,
        subject="Welcome {% if college_name %}",
        bodyHtml="<p>\n\n{{ display_name.__class__ }}</p>",
    )
    # then each is reported with its part and line
    errors = {e["field"]: e for e in payload["errors"]}
    assert errors["subject"]["code"] == "INVALID_TEMPLATE"
    assert errors["bodyHtml"]["code"] == "INVALID_TEMPLATE"
    assert "line 3" in errors["bodyHtml"]["message"]
    assert (await identity_app.post(VERSIONS, {"key": "WELCOME"}, token=token))["data"][
        "emailTemplateVersions"
    ] == []
    # when such a template is previewed, then the same problems come as payload errors
    body = await identity_app.post(
        PREVIEW, {"input": {"key": "WELCOME", "bodyText": "{{ accept_url }}"}}, token=token
    )
    preview = body["data"]["emailTemplatePreview"]
    assert preview["preview"] is None
    assert [(e["field"], e["code"]) for e in preview["errors"]] == [
        ("bodyText", "UNKNOWN_TEMPLATE_VARIABLE")
    ]


async def test_students_are_forbidden_and_colleges_keep_their_templates(
    identity_app: IdentityApp, world: World
) -> None:
    # given a template saved by college A
    assert (await _save(identity_app, world.tokens["admin_a"]))["errors"] == []
    # when a student reads, saves, reverts or previews templates, then each is forbidden
    student = world.tokens["student_a"]
    for operation, variables in (
        (CURRENT, {"key": "WELCOME"}),
        (VERSIONS, {"key": "WELCOME"}),
        (SAVE, {"input": WELCOME}),
        (REVERT, {"input": {"key": "WELCOME", "version": 1}}),
        (PREVIEW, {"input": {"key": "WELCOME"}}),
    ):
        assert error_codes(await identity_app.post(operation, variables, token=student)) == [
            "FORBIDDEN"
        ]
    # when college B's admin reads its own, then B still has the default
    other = world.tokens["admin_b"]
    mine = await identity_app.post(CURRENT, {"key": "WELCOME"}, token=other)
    assert mine["data"]["emailTemplate"]["isDefault"] is True
    # when B's admin names college A, then it is forbidden
    named = await identity_app.post(
        SAVE, {"input": {**WELCOME, "collegeId": gid("College", world.college_a)}}, token=other
    )
    assert error_codes(named) == ["FORBIDDEN"]
    # when B's admin reverts to A's version 1, then B has no such version
    body = await identity_app.post(REVERT, {"input": {"key": "WELCOME", "version": 1}}, token=other)
    assert error_codes(body) == ["NOT_FOUND"]
