"""A small, real OpenID Connect provider for tests, served on 127.0.0.1 in a thread.

It publishes discovery and its keys (JWKS, one RSA key per test session), and its authorize
endpoint signs in whoever the test chose (`provider.identity`) at once, redirecting back with a
code. Its token endpoint checks the code (once only), the client's id and secret, the redirect
URI and the PKCE verifier (S256), then returns an ID token signed with its key. A test can make it
misbehave: `overrides` changes claims (a wrong aud, iss, nonce or exp), `sign_with` signs with
another key under the same key id, `error` answers the authorize request with an error.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

CLIENT_ID = "wres-tracker-test"
CLIENT_SECRET = "test-client-secret-not-real"
KEY_ID = "test-key-1"


def _json(data: dict, status: int = 200) -> Response:
    import json
    return Response(json.dumps(data), status=status, mimetype="application/json",
                    headers={"Cache-Control": "no-store"})


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    claims: dict[str, Any]


@dataclass
class OidcProvider:
    """The provider's state; `reset()` between tests."""

    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": KEY_ID, "use": "sig"}))
    base_url: str = ""
    redirect_uris: set[str] = field(default_factory=set)
    identity: dict[str, Any] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)
    sign_with: RSAKey | None = None
    error: str | None = None
    grants: dict[str, Grant] = field(default_factory=dict)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    def reset(self) -> None:
        self.identity, self.overrides, self.sign_with, self.error = {}, {}, None, None
        self.grants.clear()
        self.token_requests.clear()

    def issue(self, email: str | None = None, sub: str = "subject-1", **claims: Any) -> None:
        """Who the next sign-in is: `email` and `sub`, plus any claims (name, preferred_username, oid, tid…)."""
        self.identity = {"sub": sub, **({"email": email} if email else {}), **claims}

    @property
    def discovery_url(self) -> str:
        return f"{self.base_url}/.well-known/openid-configuration"

    # The endpoints.

    def __call__(self, environ, start_response):
        request = Request(environ)
        routes = {"/.well-known/openid-configuration": self.discovery, "/jwks": self.jwks,
                  "/authorize": self.authorize, "/token": self.token}
        handler = routes.get(request.path)
        response = handler(request) if handler else Response("Not found", status=404)
        return response(environ, start_response)

    def discovery(self, _request: Request) -> Response:
        return _json({
            "issuer": self.base_url,
            "authorization_endpoint": f"{self.base_url}/authorize",
            "token_endpoint": f"{self.base_url}/token",
            "jwks_uri": f"{self.base_url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "email", "profile"],
        })

    def jwks(self, _request: Request) -> Response:
        return _json({"keys": [self.key.as_dict(private=False)]})

    def authorize(self, request: Request) -> Response:
        args = request.args
        redirect_uri = args.get("redirect_uri", "")
        if args.get("client_id") != CLIENT_ID or redirect_uri not in self.redirect_uris:
            return Response("Unknown client or redirect URI", status=400)
        if (args.get("response_type") != "code" or "openid" not in args.get("scope", "").split()
                or args.get("code_challenge_method") != "S256" or not args.get("code_challenge") or not args.get("state")):
            return Response("The request needs response_type=code, scope openid, state and an S256 code challenge", 400)
        if self.error:
            return Response(status=302, headers={"Location": f"{redirect_uri}?{urlencode({'error': self.error, 'error_description': 'The user said no', 'state': args['state']})}"})
        code = secrets.token_urlsafe(24)
        self.grants[code] = Grant(CLIENT_ID, redirect_uri, args["code_challenge"], args.get("nonce"), dict(self.identity))
        return Response(status=302, headers={"Location": f"{redirect_uri}?{urlencode({'code': code, 'state': args['state']})}"})

    def token(self, request: Request) -> Response:
        form = request.form
        self.token_requests.append(dict(form))
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if request.authorization and request.authorization.type == "basic":
            client_id, secret = request.authorization.username, request.authorization.password
        if client_id != CLIENT_ID or secret != CLIENT_SECRET:
            return _json({"error": "invalid_client"}, 401)
        grant = self.grants.pop(form.get("code", ""), None)
        if form.get("grant_type") != "authorization_code" or grant is None or grant.redirect_uri != form.get("redirect_uri"):
            return _json({"error": "invalid_grant"}, 400)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if not verifier or challenge != grant.code_challenge:
            return _json({"error": "invalid_grant", "error_description": "PKCE verification failed"}, 400)
        now = int(time.time())
        claims = {"iss": self.base_url, "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  **({"nonce": grant.nonce} if grant.nonce else {}), **grant.claims, **self.overrides}
        id_token = jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, self.sign_with or self.key)
        return _json({"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 300,
                      "id_token": id_token})


def other_key() -> RSAKey:
    """A key the provider does not publish, under the provider's key id."""
    return RSAKey.generate_key(2048, parameters={"kid": KEY_ID})


class ServedProvider:
    """The provider on a free port of 127.0.0.1, in a daemon thread, until `stop()`."""

    def __init__(self) -> None:
        self.provider = OidcProvider()
        self.server = make_server("127.0.0.1", 0, self.provider, threaded=True)
        self.provider.base_url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)
