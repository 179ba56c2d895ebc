"""Single sign-on with OpenID Connect (NHSmail, Microsoft Entra ID): the client and what the ID token must say.

The authorization-code flow with PKCE (S256), `state` and `nonce`, through Authlib's Flask client.
The ID token's signature is checked against the provider's published keys (`jwks_uri` from
discovery), and its issuer (the discovery document's), audience (our client id), expiry and nonce
(the one sent with this sign-in) are checked too; any failure is an `SsoFailure`, never a sign-in.

Which claims are used (README, "Single sign-on"):
- email: `email`, else `preferred_username`, else `upn`, the first that is an email address
  (Entra often sends no `email`); an `email` marked `email_verified: false` is not used;
- subject: Entra's `tid` and `oid` together ("entra:<tid>:<oid>": the same person in the same
  tenant whatever the app registration), otherwise `sub` ("sub:<sub>").
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, request, session
from joserfc.errors import JoseError

PROVIDER = "nhs"
SCOPE = "openid email profile"
#: Clock difference allowed between us and the provider when checking exp and iat.
LEEWAY_SECONDS = 60
EXTENSION = "tracker.oidc"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class SsoIdentity:
    """Who the provider says signed in: the email we match on, the subject we pin, the name."""

    email: str | None
    subject: str
    name: str | None


class SsoFailure(Exception):
    """The sign-in did not complete: the provider said no, the state was wrong, or the token failed a check."""

    def __init__(self, reason: str, detail: str, status: int = 400):
        super().__init__(detail)
        self.reason, self.detail, self.status = reason, detail, status


def sso_enabled(config: Mapping) -> bool:
    return bool(config.get("OIDC_DISCOVERY_URL") and config.get("OIDC_CLIENT_ID") and config.get("OIDC_CLIENT_SECRET"))


def allowed_domains(config: Mapping) -> tuple[str, ...]:
    """OIDC_ALLOWED_DOMAINS as lower-case domains, from "nhs.net, @mytrust.nhs.uk" or a list."""
    value = config.get("OIDC_ALLOWED_DOMAINS") or ()
    parts: Iterable[str] = value.split(",") if isinstance(value, str) else value
    return tuple(dict.fromkeys(part.strip().lower().lstrip("@") for part in parts if part.strip().lstrip("@")))


def configure_sso(app: Flask) -> None:
    """Register the provider when SSO is configured; its discovery document is read on first use."""
    if not sso_enabled(app.config):
        return
    oauth = OAuth(app)
    oauth.register(
        PROVIDER,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=app.config["OIDC_DISCOVERY_URL"],
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "default_timeout": 15},
    )
    app.extensions[EXTENSION] = oauth.create_client(PROVIDER)


def _client():
    return current_app.extensions[EXTENSION]


def start(redirect_uri: str):
    """The redirect to the provider's sign-in page, keeping state, nonce and PKCE verifier in the session."""
    try:
        return _client().authorize_redirect(redirect_uri)
    except (requests.RequestException, ValueError, KeyError) as error:
        raise SsoFailure("unreachable", f"The discovery document could not be read: {error}", 503) from error


def finish() -> SsoIdentity:
    """Exchange the code for tokens and check the ID token; raises SsoFailure for anything wrong."""
    client = _client()
    if request.args.get("error"):
        client.framework.clear_state_data(session, request.args.get("state"))
        raise SsoFailure("provider", f"{request.args['error']}: {request.args.get('error_description', '')}".strip())
    try:
        metadata = client.load_server_metadata()
        options = {"iss": {"essential": True, "value": metadata["issuer"]},
                   "aud": {"essential": True, "value": client.client_id}}
        token = client.authorize_access_token(claims_options=options, leeway=LEEWAY_SECONDS)
    except MismatchingStateError as error:
        raise SsoFailure("state", "The state is missing, expired or already used") from error
    except OAuthError as error:
        raise SsoFailure("token", f"The token endpoint said {error.error}: {error.description or ''}".strip()) from error
    except JoseError as error:
        raise SsoFailure("token", f"The ID token failed a check: {error}") from error
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        raise SsoFailure("token", f"The token could not be fetched or read: {error}") from error
    claims = token.get("userinfo")
    if not claims:
        raise SsoFailure("token", "The provider sent no ID token")
    return identity_from_claims(claims)


def identity_from_claims(claims: Mapping) -> SsoIdentity:
    return SsoIdentity(email=email_from_claims(claims), subject=subject_from_claims(claims),
                       name=" ".join(str(claims.get("name") or "").split()) or None)


def email_from_claims(claims: Mapping) -> str | None:
    """The first of email, preferred_username and upn that is an email address, lower-case."""
    keys = ("preferred_username", "upn") if claims.get("email_verified") is False else ("email", "preferred_username", "upn")
    for key in keys:
        value = claims.get(key)
        if isinstance(value, str) and _EMAIL.match(value.strip()):
            return value.strip().lower()
    return None


def subject_from_claims(claims: Mapping) -> str:
    tenant, object_id = claims.get("tid"), claims.get("oid")
    if tenant and object_id:
        return f"entra:{tenant}:{object_id}"
    return f"sub:{claims['sub']}"
