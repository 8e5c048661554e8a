"""Outbound email: SMTP delivery to a real server (aiosmtpd) and the local mailbox folder."""

from __future__ import annotations

import logging
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest

from shared.config import Settings
from shared.mail import (
    MailboxMailer,
    MailDeliveryError,
    OutgoingEmail,
    SmtpMailer,
    create_mailer,
)
from tests.fixtures.smtp import SMTP_USERNAME, SmtpTestServer, _free_port

EMAIL = OutgoingEmail(
    to="ada@example.edu",
    subject="You are invited to North Valley College",
    text="Hello Ada,\n\nAccept: https://lms.example.edu/accept?token=abc\n",
    html='<p>Hello Ada,</p><p><a href="https://lms.example.edu/accept?token=abc">Accept</a></p>',
    message_id="2f1c7a52-0f3e-4a55-9d1e-6c8f0a1b2c3d",
    headers={"X-LMS-Template": "invitation/3"},
)


def _parts(message: EmailMessage) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.iter_parts()}


async def test_smtp_mailer_delivers_both_parts_with_headers(
    smtp_settings: Settings, smtp_inbox: SmtpTestServer
) -> None:
    # given a mailer configured for the test SMTP server, with a login
    mailer = create_mailer(smtp_settings)
    assert isinstance(mailer, SmtpMailer)
    # when it sends an email with text and HTML
    await mailer.send(EMAIL)
    # then the server received one message, from the configured sender, after logging in
    [received] = smtp_inbox.messages()
    assert received.login == SMTP_USERNAME
    assert received.mail_from == "no-reply@lms.example.edu"
    assert received.rcpt_tos == ["ada@example.edu"]
    message = received.message
    assert message["From"] == "North Valley LMS <no-reply@lms.example.edu>"
    assert message["To"] == "ada@example.edu"
    assert message["Subject"] == EMAIL.subject
    assert message["Message-ID"] == f"<{EMAIL.message_id}@lms.example.edu>"
    assert message["X-LMS-Template"] == "invitation/3"
    assert message["Date"] is not None
    # and it is multipart/alternative with the text and the HTML
    assert message.get_content_type() == "multipart/alternative"
    parts = _parts(message)
    assert parts["text/plain"] == EMAIL.text
    assert parts["text/html"].strip() == EMAIL.html


async def test_smtp_mailer_sends_text_only_email_without_login(
    smtp_settings: Settings, smtp_inbox: SmtpTestServer
) -> None:
    # given a mailer without credentials
    mailer = SmtpMailer.from_settings(smtp_settings.with_overrides(smtp_username=None))
    # when it sends an email without HTML
    await mailer.send(OutgoingEmail(to="bo@example.edu", subject="Welcome", text="Hi Bo\n"))
    # then a single text/plain message arrives, sent anonymously
    [received] = smtp_inbox.messages()
    assert received.login is None
    assert received.message.get_content_type() == "text/plain"
    assert received.message.get_content() == "Hi Bo\n"


async def test_smtp_mailer_reports_an_unreachable_server(smtp_settings: Settings) -> None:
    # given a mailer pointed at a port where nothing listens
    mailer = SmtpMailer.from_settings(smtp_settings.with_overrides(smtp_port=_free_port()))
    # when it sends, then the failure names the server and not the body
    with pytest.raises(MailDeliveryError) as caught:
        await mailer.send(EMAIL)
    assert "127.0.0.1" in str(caught.value)
    assert "token=abc" not in str(caught.value)


async def test_wrong_smtp_password_is_a_delivery_error(smtp_settings: Settings) -> None:
    # given a mailer with a wrong password
    mailer = SmtpMailer.from_settings(smtp_settings.with_overrides(smtp_password="wrong"))
    # when it sends, then the refusal is reported
    with pytest.raises(MailDeliveryError, match="SMTPAuthenticationError"):
        await mailer.send(EMAIL)


async def test_mailbox_writes_a_parseable_eml_and_logs_one_line(
    sqlite_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    # given settings without an SMTP host
    mailer = create_mailer(sqlite_settings)
    assert isinstance(mailer, MailboxMailer)
    # when an email is sent
    with caplog.at_level(logging.INFO, logger="shared.mail.mailbox"):
        await mailer.send(EMAIL)
    # then one .eml file is in DATA_DIR/mailbox, named by the message id
    folder = sqlite_settings.data_dir / "mailbox"
    [path] = list(folder.iterdir())
    assert path == folder / f"{EMAIL.message_id}.eml"
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)
    assert message["To"] == "ada@example.edu"
    assert message["Subject"] == EMAIL.subject
    assert message["From"] == "LMS <no-reply@localhost>"
    assert _parts(message)["text/plain"] == EMAIL.text
    # and the log line names recipient, subject and file, but not the body
    [record] = [r for r in caplog.records if r.name == "shared.mail.mailbox"]
    assert record.getMessage() == f"email to ada@example.edu: {EMAIL.subject} (saved to {path})"
    assert "token=abc" not in caplog.text


async def test_mailbox_overwrites_a_redelivered_email(tmp_path: Path) -> None:
    # given an email saved once
    mailer = MailboxMailer(folder=tmp_path / "mailbox", sender="LMS <no-reply@localhost>")
    await mailer.send(EMAIL)
    # when the same message is delivered again
    await mailer.send(EMAIL)
    # then the folder still holds one file, and no partial file
    assert [p.name for p in (tmp_path / "mailbox").iterdir()] == [f"{EMAIL.message_id}.eml"]


async def test_emails_without_message_id_get_files_of_their_own(tmp_path: Path) -> None:
    # given two emails without message ids
    mailer = MailboxMailer(folder=tmp_path / "mailbox", sender="LMS <no-reply@localhost>")
    # when both are sent
    for name in ("one", "two"):
        await mailer.send(OutgoingEmail(to="x@example.edu", subject=name, text=name))
    # then each has its own file
    assert len(list((tmp_path / "mailbox").glob("*.eml"))) == 2


async def test_header_injection_in_the_subject_is_refused(tmp_path: Path) -> None:
    # given a subject trying to add a header
    mailer = MailboxMailer(folder=tmp_path / "mailbox", sender="LMS <no-reply@localhost>")
    email = OutgoingEmail(to="x@example.edu", subject="Hi\r\nBcc: all@example.edu", text="x")
    # when it is sent, then it is refused before anything is written
    with pytest.raises(ValueError, match="linefeed"):
        await mailer.send(email)
    assert not (tmp_path / "mailbox").exists()
