"""Authentication and authorization primitives: keys, tokens, principals.

GraphQL permission classes live in :mod:`shared.graphql.permissions`.
"""

from shared.auth.bearer import authenticate, bearer_token
from shared.auth.keys import Algorithm, KeyStore, SigningKey, jwk_thumbprint
from shared.auth.principal import ALL_PERMISSIONS, Principal, PrincipalKind, permission_matches
from shared.auth.revocation import REVOKED_MESSAGE, RevocationCheckingVerifier, RevocationList
from shared.auth.tokens import (
    JwksTokenVerifier,
    JwksUnavailable,
    LocalTokenVerifier,
    TokenIssuer,
    TokenVerifier,
    create_token_verifier,
)

__all__ = [
    "ALL_PERMISSIONS",
    "REVOKED_MESSAGE",
    "Algorithm",
    "JwksTokenVerifier",
    "JwksUnavailable",
    "KeyStore",
    "LocalTokenVerifier",
    "Principal",
    "PrincipalKind",
    "RevocationCheckingVerifier",
    "RevocationList",
    "SigningKey",
    "TokenIssuer",
    "TokenVerifier",
    "authenticate",
    "bearer_token",
    "create_token_verifier",
    "jwk_thumbprint",
    "permission_matches",
]
