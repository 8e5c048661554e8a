"""Email templates per college and the email path, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from shared.db import Database
from shared.errors import DomainErrors, NotFoundError, PermissionDenied
from shared.events import Event, InMemoryBus
from shared.mail import MailboxMailer
from subgraphs.identity import email_templates as templates
from subgraphs.identity.mail import request_email
from subgraphs.identity.mail_consumer import email_delivery
from subgraphs.identity.models import TemplateKey
from subgraphs.identity.template_rendering import TemplateContent
from tests.factories.identity import college_admin, make_college, outbox_events, principal

INVITE = TemplateKey.INVITATION


async def test_default_then_versions_then_revert(identity_db: Database) -> None:
    # given a college without templates
    async with identity_db.transaction() as session:
        college = await make_college(session, name="North Valley College")
        admin = college_admin(college)
        # then the platform default is current
        current = await templates.get_template(session, actor=admin, key=INVITE)
        assert current.is_default
        assert "{{ accept_url }}" in current.content.body_text
        # when two versions are saved and the first is reverted to
        for subject in ("Join {{ college_name }}", "Welcome aboard, {{ display_name }}"):
            await templates.save_template(
                session, actor=admin, key=INVITE, subject=subject, body_text="{{ accept_url }}"
            )
        reverted = await templates.revert_template(session, actor=admin, key=INVITE, version=1)
        versions = await templates.list_template_versions(session, actor=admin, key=INVITE)
        current = await templates.get_template(session, actor=admin, key=INVITE)
        saved = await outbox_events(session, "college.template_saved")
    # then the copy is version 3, current, and every save is an event
    assert reverted.version == 3
    assert [v.version for v in versions] == [3, 2, 1]
    assert (current.version, current.content.subject) == (3, "Join {{ college_name }}")
    assert [e.data["reverted_from"] for e in saved] == [None, None, 1]
    assert all(e.tenant == college.id for e in saved)


async def test_invalid_templates_are_refused_with_line_and_problem(
    identity_db: Database,
) -> None:
    # given a college admin
    async with identity_db.transaction() as session:
        college = await make_college(session)
        admin = college_admin(college)
        # when a template with an unknown variable, a sandbox escape and a syntax error is saved
        with pytest.raises(DomainErrors) as caught:
            await templates.save_template(
                session,
                actor=admin,
                key=INVITE,
                subject="Hi {{ ''.__class__ }}",
                body_text="Hello\n{{ acept_url }}",
                body_html="<p>\n\n{% if display_name %}</p>",
            )
    # then every problem is named with its part and line, and nothing was saved
    messages = {e.field: e.message for e in caught.value}
    assert messages["subject"] == (
        "subject, line 1: attribute access is not allowed: variables are plain text."
    )
    assert messages["body_text"].startswith("body_text, line 2: unknown variable 'acept_url'")
    assert messages["body_html"].startswith("body_html, line 3: Unexpected end of template")
    async with identity_db.session() as session:
        assert await templates.list_template_versions(session, actor=admin, key=INVITE) == []


async def test_preview_autoescapes_html_only(identity_db: Database) -> None:
    # given a college and a draft template
    async with identity_db.transaction() as session:
        college = await make_college(session, name="Tom & Jerry College")
        draft = TemplateContent(
            subject="Hi {{ display_name }}",
            body_text="{{ college_name }}: {{ accept_url }}",
            body_html="<b>{{ display_name }}</b>",
        )
        # when it is previewed with a name holding markup
        shown = await templates.preview_template(
            session,
            actor=college_admin(college),
            key=INVITE,
            content=draft,
            variables={"display_name": "<script>x</script>"},
        )
    # then HTML is escaped, text is not, and sample values fill the rest
    assert shown.html == "<b>&lt;script&gt;x&lt;/script&gt;</b>"
    assert shown.text.startswith("Tom & Jerry College: https://")
    assert shown.subject == "Hi <script>x</script>"


async def test_permission_and_tenancy_are_enforced(identity_db: Database) -> None:
    # given two colleges
    async with identity_db.transaction() as session:
        ours, theirs = await make_college(session), await make_college(session)
        # when someone without template:manage reads, then it is forbidden
        with pytest.raises(PermissionDenied):
            await templates.get_template(session, actor=principal(ours, "user:read"), key=INVITE)
        # when an admin names another college, then it is forbidden
        with pytest.raises(PermissionDenied):
            await templates.list_template_versions(
                session, actor=college_admin(ours), key=INVITE, college_id=theirs.id
            )
        # when a missing version is reverted to, then it is not found
        with pytest.raises(NotFoundError):
            await templates.revert_template(
                session, actor=college_admin(ours), key=INVITE, version=7
            )


async def test_requested_email_is_delivered_to_the_mailbox(
    identity_db: Database, tmp_path: Path
) -> None:
    # given a college with its own invitation template
    async with identity_db.transaction() as session:
        college = await make_college(session, name="North Valley College")
        await templates.save_template(
            session,
            actor=college_admin(college),
            key=INVITE,
            subject="Join {{ college_name }}",
            body_text="Hello {{ display_name }}: {{ accept_url }} until {{ expires_at }}",
            body_html="<a href='{{ accept_url }}'>Join</a>",
        )
        # when an invitation email is requested
        queued = await request_email(
            session,
            college_id=college.id,
            to="Ada@Example.EDU",
            template_key=INVITE,
            variables={
                "display_name": "Ada",
                "accept_url": "https://lms.example.edu/accept?token=t0k",
                "expires_at": "1 May",
            },
        )
        [event] = await outbox_events(session, "notification.email_requested")
    assert queued.template_version == 1
    assert event.data["to"] == "ada@example.edu"
    # and the event travels the bus to the delivery consumer
    bus = InMemoryBus()
    mailer = MailboxMailer(folder=tmp_path / "mailbox", sender="LMS <no-reply@localhost>")
    deliver, delivered = email_delivery(mailer), asyncio.Event()

    async def handler(received: Event) -> None:
        await deliver(received)
        delivered.set()

    sub = bus.subscribe(topics=["lms.notification"], group="mail", handler=handler)
    await bus.publish([event])
    path = tmp_path / "mailbox" / f"{queued.message_id}.eml"
    async with asyncio.timeout(5):
        await delivered.wait()
    await sub.stop()
    await bus.close()
    # then the mailbox holds the rendered email
    content = path.read_text()
    assert "Subject: Join North Valley College" in content
    assert "Hello Ada: https://lms.example.edu/accept?token=t0k until 1 May" in content
    assert "X-LMS-Template: invitation/1" in content
