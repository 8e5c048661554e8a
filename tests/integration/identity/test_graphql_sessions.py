"""Sign-in and credentials over GraphQL: login, refresh, logout, passwords, invitations.

The identity app is driven over HTTP with the tokens it issues itself, on
SQLite and PostgreSQL; the failed-login thresholds are small so the lockout
shows after a few attempts. The last tests put the gateway in front of it, as
`lms dev` does, and check the client's address reaches the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import ASGIApp

from gateway.edge.endpoint import GraphQLEndpoint
from gateway.engine import Gateway
from gateway.supergraph import Supergraph
from gateway.transport import AsgiTransport
from lms.supergraph import compose_project
from shared.app import create_app
from shared.config import Settings
from shared.events import Event
from shared.runtime import Platform
from shared.service import Service
from subgraphs.identity import events
from subgraphs.identity.app import SERVICE
from subgraphs.identity.models import Account, College, RefreshToken
from subgraphs.identity.passwords import hash_password
from subgraphs.identity.permissions import COLLEGE_ADMIN, TEACHER
from tests.factories.identity import make_account, make_college, outbox_events
from tests.integration.identity.graphql_app import URL, IdentityApp, error_codes

PASSWORD = "correct horse battery staple"
FREE_FAILURES = 2
"""Failed logins of one account before each further one waits (LMS_LOGIN_FREE_FAILURES)."""

SESSION = """
  session {
    accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt passwordChangeRequired
    user { id email }
  }
  errors { field code message }
"""
LOGIN = f"""
mutation Login($input: LoginInput!) {{ login(input: $input) {{ {SESSION} retryAfterSeconds }} }}
"""
REFRESH = f"""
mutation Refresh($token: String!) {{
  tokenRefresh(input: {{refreshToken: $token}}) {{ {SESSION} }}
}}
"""
LOGOUT = """
mutation Logout($all: Boolean!) {
  logout(input: {allSessions: $all}) { sessionsEnded errors { field code message } }
}
"""
ME = "{ me { id email } }"
CHANGE = """
mutation Change($input: PasswordChangeInput!) {
  passwordChange(input: $input) {
    user { id } accessToken accessTokenExpiresAt sessionsEnded errors { field code message }
  }
}
"""
RESET_REQUEST = """
mutation ResetRequest($input: PasswordResetRequestInput!) {
  passwordResetRequest(input: $input) { errors { field code message } }
}
"""
RESET = """
mutation Reset($input: PasswordResetInput!) {
  passwordReset(input: $input) { user { email } errors { field code message } }
}
"""
INVITE = """
mutation Invite($input: UserInviteInput!) {
  userInvite(input: $input) { user { id } errors { code } }
}
"""
ACCEPT = f"""
mutation Accept($input: InvitationAcceptInput!) {{
  invitationAccept(input: $input) {{ {SESSION} }}
}}
"""
DEACTIVATE = """
mutation Deactivate($id: ID!) {
  userDeactivate(input: {id: $id}) { user { status } errors { code } }
}
"""


class SessionsApp(IdentityApp):
    """The identity app over HTTP, and the ASGI app itself (for other clients in front of it)."""

    def __init__(self, service: Service, client: httpx.AsyncClient, asgi: ASGIApp) -> None:
        super().__init__(service, client)
        self.asgi = asgi


@pytest.fixture
async def app(db_settings: Settings) -> AsyncIterator[SessionsApp]:
    """The identity app, with a wait after the second failed login and a lock at the fourth."""
    settings = db_settings.with_overrides(
        auto_migrate=False,
        login_free_failures=FREE_FAILURES,
        login_backoff_base=30.0,
        login_backoff_max=60.0,
        login_lock_failures=4,
    )
    platform = Platform.from_settings(settings)
    service = platform.add(SERVICE)
    await service.migrations.upgrade()
    served = create_app(platform, graphql={URL: service}, name="identity")
    try:
        async with (
            served.router.lifespan_context(served),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=served), base_url="http://testserver"
            ) as client,
        ):
            yield SessionsApp(service, client, served)
    finally:
        await service.database.drop()


@pytest.fixture
async def college(app: IdentityApp) -> College:
    async with app.service.database.transaction() as session:
        return await make_college(session, slug="north-valley", name="North Valley")


async def member(
    app: IdentityApp, college: College, email: str, *, roles: tuple[str, ...] = (TEACHER,)
) -> Account:
    """An active account of ``college`` whose password is :data:`PASSWORD`."""
    async with app.service.database.transaction() as session:
        return await make_account(
            session,
            college=college,
            email=email,
            display_name="Grace Hopper",
            roles=roles,
            password_hash=hash_password(PASSWORD),
        )


async def login(
    app: IdentityApp, email: str, password: str = PASSWORD, college: str | None = "north-valley"
) -> dict[str, Any]:
    body = await app.post(
        LOGIN, {"input": {"college": college, "email": email, "password": password}}
    )
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["login"]
    return result


async def emails(app: IdentityApp) -> list[Event]:
    async with app.service.database.session() as session:
        return await outbox_events(session, events.EMAIL_REQUESTED)


def link_token(text: str) -> str:
    """The token of the link in an email's text, as the person clicking it sends it."""
    found = re.search(r"\?token=([^\s]+)", text)
    assert found is not None, text
    return unquote(found.group(1))


# -- login, me, refresh, logout -----------------------------------------------------------------
async def test_a_session_from_login_to_logout(app: IdentityApp, college: College) -> None:
    # given a teacher with a password
    teacher = await member(app, college, "ada@nv.edu")
    # when they log in (email in any case)
    signed_in = await login(app, "Ada@NV.edu")
    # then they get a session for their account
    assert signed_in["errors"] == []
    session = signed_in["session"]
    assert session["user"]["email"] == teacher.email
    assert session["passwordChangeRequired"] is False
    assert session["accessTokenExpiresAt"] < session["refreshTokenExpiresAt"]
    # and the access token opens `me`
    me = await app.post(ME, token=session["accessToken"])
    assert me["data"]["me"] == session["user"]

    # when the refresh token is exchanged
    refreshed = (await app.post(REFRESH, {"token": session["refreshToken"]}))["data"]
    # then a new pair comes back, and the new access token works
    renewed = refreshed["tokenRefresh"]["session"]
    assert renewed["refreshToken"] != session["refreshToken"]
    assert (await app.post(ME, token=renewed["accessToken"]))["data"]["me"] == session["user"]

    # when the old refresh token is presented again (after the grace period: it was stolen)
    async with app.service.database.transaction() as db:
        used = select(RefreshToken).where(RefreshToken.used_at.is_not(None))
        for row in await db.scalars(used):
            assert row.used_at is not None
            row.used_at = row.used_at - timedelta(days=1)
    reused = (await app.post(REFRESH, {"token": session["refreshToken"]}))["data"]
    # then it is refused, the session ends and even the newest access token is refused
    assert reused["tokenRefresh"]["session"] is None
    assert [e["code"] for e in reused["tokenRefresh"]["errors"]] == ["INVALID_REFRESH_TOKEN"]
    assert reused["tokenRefresh"]["errors"][0]["field"] == "refreshToken"
    assert error_codes(await app.post(ME, token=renewed["accessToken"])) == ["UNAUTHENTICATED"]
    again = (await app.post(REFRESH, {"token": renewed["refreshToken"]}))["data"]
    assert [e["code"] for e in again["tokenRefresh"]["errors"]] == ["INVALID_REFRESH_TOKEN"]

    # when they sign in again and log out
    second = (await login(app, "ada@nv.edu"))["session"]
    logged_out = await app.post(LOGOUT, {"all": False}, token=second["accessToken"])
    # then that session ended: its access and refresh tokens are refused
    assert logged_out["data"]["logout"] == {"sessionsEnded": 1, "errors": []}
    assert error_codes(await app.post(ME, token=second["accessToken"])) == ["UNAUTHENTICATED"]
    ended = (await app.post(REFRESH, {"token": second["refreshToken"]}))["data"]
    assert [e["code"] for e in ended["tokenRefresh"]["errors"]] == ["INVALID_REFRESH_TOKEN"]


async def test_logout_of_all_sessions_ends_every_device(app: IdentityApp, college: College) -> None:
    # given a teacher signed in on a laptop and a phone
    await member(app, college, "ada@nv.edu")
    laptop = (await login(app, "ada@nv.edu"))["session"]
    phone = (await login(app, "ada@nv.edu"))["session"]
    # when the phone logs out of all sessions
    body = await app.post(LOGOUT, {"all": True}, token=phone["accessToken"])
    # then both sessions ended
    assert body["data"]["logout"] == {"sessionsEnded": 2, "errors": []}
    assert error_codes(await app.post(ME, token=laptop["accessToken"])) == ["UNAUTHENTICATED"]
    refused = (await app.post(REFRESH, {"token": laptop["refreshToken"]}))["data"]
    assert refused["tokenRefresh"]["session"] is None


async def test_logout_needs_a_token(app: IdentityApp) -> None:
    # given no access token / when logging out / then UNAUTHENTICATED, no data
    body = await app.post(LOGOUT, {"all": False})
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] is None


# -- refusals -------------------------------------------------------------------------------------
async def test_wrong_password_and_unknown_email_give_the_same_answer(
    app: IdentityApp, college: College
) -> None:
    # given a registered teacher
    await member(app, college, "ada@nv.edu")
    # when one login has the wrong password and another an unknown email
    wrong_password = await login(app, "ada@nv.edu", "not the password at all")
    unknown_email = await login(app, "nobody@nv.edu", PASSWORD)
    unknown_college = await login(app, "ada@nv.edu", PASSWORD, college="no-such-college")
    # then all three answers are the same INVALID_CREDENTIALS on `password`
    expected = {
        "session": None,
        "retryAfterSeconds": None,
        "errors": [
            {
                "field": "password",
                "code": "INVALID_CREDENTIALS",
                "message": "The email or password is not correct.",
            }
        ],
    }
    assert wrong_password == unknown_email == unknown_college == expected
    # and each refusal left an audit event
    async with app.service.database.session() as session:
        failed = await outbox_events(session, "user.login_failed")
    assert [e.data["email"] for e in failed] == ["ada@nv.edu", "nobody@nv.edu", "ada@nv.edu"]


async def test_repeated_failures_throttle_the_account(app: IdentityApp, college: College) -> None:
    # given a teacher whose password someone is guessing
    await member(app, college, "ada@nv.edu")
    for _ in range(FREE_FAILURES + 1):
        refused = await login(app, "ada@nv.edu", "guess number one two")
        assert [e["code"] for e in refused["errors"]] == ["INVALID_CREDENTIALS"]
    # when even the right password is tried next
    throttled = await login(app, "ada@nv.edu", PASSWORD)
    # then the attempt waits: LOGIN_THROTTLED, with the seconds to wait in the message and payload
    assert throttled["session"] is None
    (error,) = throttled["errors"]
    assert error["code"] == "LOGIN_THROTTLED"
    seconds = throttled["retryAfterSeconds"]
    assert 1 <= seconds <= 30
    assert f"try again in {seconds} second" in error["message"]


async def test_a_deactivated_user_is_refused_at_once(app: IdentityApp, college: College) -> None:
    # given a signed-in teacher and their college admin
    teacher = await member(app, college, "ada@nv.edu")
    admin = await member(app, college, "admin@nv.edu", roles=(COLLEGE_ADMIN,))
    session = (await login(app, "ada@nv.edu"))["session"]
    admin_token = (await login(app, "admin@nv.edu"))["session"]["accessToken"]
    assert admin.id != teacher.id
    # when the admin deactivates the teacher
    done = await app.post(DEACTIVATE, {"id": session["user"]["id"]}, token=admin_token)
    assert done["data"]["userDeactivate"] == {"user": {"status": "DEACTIVATED"}, "errors": []}
    # then the teacher's access token is refused on the next request, and the refresh token too
    assert error_codes(await app.post(ME, token=session["accessToken"])) == ["UNAUTHENTICATED"]
    refused = (await app.post(REFRESH, {"token": session["refreshToken"]}))["data"]
    assert refused["tokenRefresh"]["session"] is None
    # and the right password now says why
    again = await login(app, "ada@nv.edu")
    assert [e["code"] for e in again["errors"]] == ["ACCOUNT_DEACTIVATED"]


# -- passwords ------------------------------------------------------------------------------------
async def test_password_change_lists_every_broken_rule(app: IdentityApp, college: College) -> None:
    # given a signed-in teacher on two devices
    await member(app, college, "ada@nv.edu")
    other = (await login(app, "ada@nv.edu"))["session"]
    session = (await login(app, "ada@nv.edu"))["session"]
    token = session["accessToken"]
    # when the new password is short and contains their name
    weak = {"currentPassword": PASSWORD, "newPassword": "grace1"}
    body = (await app.post(CHANGE, {"input": weak}, token=token))["data"]["passwordChange"]
    # then every broken rule is its own error on newPassword, and nothing changed
    assert body["user"] is None
    assert {e["field"] for e in body["errors"]} == {"newPassword"}
    codes = {e["code"] for e in body["errors"]}
    assert {"PASSWORD_TOO_SHORT", "PASSWORD_CONTAINS_PERSONAL_DATA"} <= codes
    assert any("12 characters" in e["message"] for e in body["errors"])
    # when the current password is wrong
    wrong = {"currentPassword": "not it at all, sorry", "newPassword": "a brand new passphrase 7"}
    body = (await app.post(CHANGE, {"input": wrong}, token=token))["data"]["passwordChange"]
    # then INVALID_CREDENTIALS on currentPassword
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("currentPassword", "INVALID_CREDENTIALS")
    ]
    # when the change is right
    good = {"currentPassword": PASSWORD, "newPassword": "a brand new passphrase 7"}
    body = (await app.post(CHANGE, {"input": good}, token=token))["data"]["passwordChange"]
    # then a fresh access token keeps this session; the old token and the other device are out
    assert body["errors"] == []
    assert body["sessionsEnded"] == 1
    assert body["user"]["id"] == session["user"]["id"]
    fresh = body["accessToken"]
    assert (await app.post(ME, token=fresh))["data"]["me"]["email"] == "ada@nv.edu"
    assert error_codes(await app.post(ME, token=token)) == ["UNAUTHENTICATED"]
    assert error_codes(await app.post(ME, token=other["accessToken"])) == ["UNAUTHENTICATED"]
    # and only the new password signs in
    assert (await login(app, "ada@nv.edu", "a brand new passphrase 7"))["errors"] == []


async def test_password_change_needs_a_token(app: IdentityApp) -> None:
    # given no token / when changing a password / then UNAUTHENTICATED
    change = {"currentPassword": PASSWORD, "newPassword": "a brand new passphrase 7"}
    assert error_codes(await app.post(CHANGE, {"input": change})) == ["UNAUTHENTICATED"]


async def test_password_reset_by_emailed_link(app: IdentityApp, college: College) -> None:
    # given a teacher who forgot their password, signed in somewhere
    await member(app, college, "ada@nv.edu")
    forgotten = (await login(app, "ada@nv.edu"))["session"]
    # when they ask for a link, and someone asks for an unknown email
    asked = {"college": "north-valley", "email": "ADA@nv.edu"}
    known = await app.post(RESET_REQUEST, {"input": asked})
    unknown = await app.post(
        RESET_REQUEST, {"input": {"college": "north-valley", "email": "who@nv.edu"}}
    )
    # then both get the same answer, and only the teacher is emailed
    assert known == unknown == {"data": {"passwordResetRequest": {"errors": []}}}
    (email,) = await emails(app)
    assert email.data["to"] == "ada@nv.edu"
    token = link_token(email.data["text"])
    # when the link is used with a weak password
    weak = await app.post(RESET, {"input": {"token": token, "newPassword": "short"}})
    # then the rules are listed and the link still works
    refused = weak["data"]["passwordReset"]
    assert refused["user"] is None
    assert "PASSWORD_TOO_SHORT" in {e["code"] for e in refused["errors"]}
    # when it is used with a good one
    new_password = "seventeen purple walruses"
    done = await app.post(RESET, {"input": {"token": token, "newPassword": new_password}})
    # then the password is set, the old session ended, and the link is spent
    assert done["data"]["passwordReset"] == {"user": {"email": "ada@nv.edu"}, "errors": []}
    assert error_codes(await app.post(ME, token=forgotten["accessToken"])) == ["UNAUTHENTICATED"]
    assert (await login(app, "ada@nv.edu", new_password))["errors"] == []
    assert [e["code"] for e in (await login(app, "ada@nv.edu"))["errors"]] == [
        "INVALID_CREDENTIALS"
    ]
    spent = await app.post(RESET, {"input": {"token": token, "newPassword": "another fine phrase"}})
    assert [(e["field"], e["code"]) for e in spent["data"]["passwordReset"]["errors"]] == [
        ("token", "TOKEN_ALREADY_USED")
    ]


async def test_password_reset_requests_are_capped_per_account_and_per_address(
    app: IdentityApp, college: College
) -> None:
    # given two teachers of the college
    await member(app, college, "ada@nv.edu")
    await member(app, college, "bob@nv.edu")

    async def ask(email: str) -> dict[str, Any]:
        return await app.post(RESET_REQUEST, {"input": {"college": "north-valley", "email": email}})

    # when someone asks for Ada's link five times (the limit is 3 per account and hour)
    answers = [await ask("ada@nv.edu") for _ in range(5)]
    # then every answer is the same, and only three emails go out
    assert all(a == {"data": {"passwordResetRequest": {"errors": []}}} for a in answers)
    assert [e.data["to"] for e in await emails(app)] == ["ada@nv.edu"] * 3
    # when the same address goes on with other emails up to its limit (20 per hour)
    for n in range(14):
        await ask(f"nobody{n}@nv.edu")
    assert (await ask("bob@nv.edu"))["data"]["passwordResetRequest"]["errors"] == []
    # then Bob's, the 20th request of the address, is still sent; the 21st is not
    await ask("bob@nv.edu")
    assert [e.data["to"] for e in await emails(app)] == ["ada@nv.edu"] * 3 + ["bob@nv.edu"]


# -- invitations ----------------------------------------------------------------------------------
async def test_an_invited_person_accepts_and_is_signed_in(
    app: IdentityApp, college: College
) -> None:
    # given an admin who invites a student
    await member(app, college, "admin@nv.edu", roles=(COLLEGE_ADMIN,))
    admin_token = (await login(app, "admin@nv.edu"))["session"]["accessToken"]
    invitee = {"email": "new@nv.edu", "displayName": "New Student", "kind": "STUDENT"}
    invited = await app.post(INVITE, {"input": invitee}, token=admin_token)
    assert invited["data"]["userInvite"]["errors"] == []
    (email,) = await emails(app)
    token = link_token(email.data["text"])
    # when the student accepts with a weak password
    weak = {"token": token, "password": "password", "displayName": "Nia Student"}
    refused = (await app.post(ACCEPT, {"input": weak}))["data"]["invitationAccept"]
    # then the policy's rules are on `password`, and no session
    assert refused["session"] is None
    assert {e["field"] for e in refused["errors"]} == {"password"}
    assert "PASSWORD_TOO_COMMON" in {e["code"] for e in refused["errors"]}
    # when they accept with a good one
    good = {"token": token, "password": "lanterns over the quiet bay", "displayName": "Nia K."}
    accepted = (await app.post(ACCEPT, {"input": good}))["data"]["invitationAccept"]
    # then they are signed in, as login would, under their chosen name
    assert accepted["errors"] == []
    session = accepted["session"]
    assert session["user"]["id"] == invited["data"]["userInvite"]["user"]["id"]
    me = await app.post("{ me { displayName status } }", token=session["accessToken"])
    assert me["data"]["me"] == {"displayName": "Nia K.", "status": "ACTIVE"}
    # and the link is spent
    again = (await app.post(ACCEPT, {"input": good}))["data"]["invitationAccept"]
    assert [e["code"] for e in again["errors"]] == ["TOKEN_ALREADY_USED"]


# -- through the gateway --------------------------------------------------------------------------
@pytest.fixture
async def through_gateway(app: SessionsApp) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway over the identity subgraph in process, reached from 203.0.113.50."""
    composed = compose_project({"identity": app.service.schema.as_str() + "\n"})
    assert composed.supergraph_sdl is not None, composed.errors
    transport = AsgiTransport("identity", app.asgi, path=URL, timeout=10.0)
    gateway = Gateway(Supergraph.parse(composed.supergraph_sdl), {"identity": transport})
    endpoint = GraphQLEndpoint(gateway, graphiql=False)
    edge = Starlette(routes=[Route("/graphql", endpoint.handle, methods=["GET", "POST"])])
    client_transport = httpx.ASGITransport(app=edge, client=("203.0.113.50", 50000))
    async with httpx.AsyncClient(transport=client_transport, base_url="http://gateway") as client:
        yield client
    await gateway.close()


async def test_login_through_the_gateway_records_the_clients_address(
    app: IdentityApp, college: College, through_gateway: httpx.AsyncClient
) -> None:
    # given a teacher whose browser reaches the gateway from 203.0.113.50
    teacher = await member(app, college, "ada@nv.edu")
    variables = {"input": {"college": "north-valley", "email": "ada@nv.edu", "password": PASSWORD}}
    # when they log in through the gateway (the client claims another address, too)
    response = await through_gateway.post(
        "/graphql",
        json={"query": LOGIN, "variables": variables},
        headers={"user-agent": "Firefox/128", "x-forwarded-for": "10.6.6.6"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["login"]["errors"] == []
    # then the refresh token and the audit event carry the real client, not the gateway
    async with app.service.database.session() as session:
        (row,) = list(await session.scalars(select(RefreshToken)))
        (event,) = await outbox_events(session, "user.logged_in")
    assert (row.ip, row.user_agent) == ("203.0.113.50", "Firefox/128")
    assert (event.data["ip"], event.data["user_agent"]) == ("203.0.113.50", "Firefox/128")
    assert event.subject == teacher.id


async def test_a_direct_caller_cannot_claim_another_address(
    app: SessionsApp, college: College
) -> None:
    # given a client reaching the subgraph itself from a public address
    await member(app, college, "ada@nv.edu")
    direct = httpx.ASGITransport(app=app.asgi, client=("198.51.100.20", 40000))
    variables = {"input": {"college": "north-valley", "email": "ada@nv.edu", "password": "nope"}}
    # when it sends an X-Forwarded-For naming someone else
    async with httpx.AsyncClient(transport=direct, base_url="http://identity") as client:
        response = await client.post(
            URL,
            json={"query": LOGIN, "variables": variables},
            headers={"x-forwarded-for": "192.0.2.1"},
        )
    assert response.status_code == 200
    # then its own address is the one recorded
    async with app.service.database.session() as session:
        (event,) = await outbox_events(session, "user.login_failed")
    assert event.data["ip"] == "198.51.100.20"
