"""Authentication for HTTP sources and targets, per the design's authentication table.

Secrets never live in config/pipeline.yaml (which is committed and printed): each comes
from an environment variable, or from a file whose path the variable ``NAME_FILE``
gives (the Docker / Kubernetes secrets convention, so the value never sits in the
process environment either). The target reads the plain names, the source the same
names with a ``SOURCE_`` prefix, so the two ends can hold different credentials:

* ``api_key``: ``API_KEY`` (sent in the configured header, ``X-API-Key`` by default);
* ``oauth2_client_credentials``: ``OAUTH_TOKEN_URL``, ``OAUTH_CLIENT_ID``,
  ``OAUTH_CLIENT_SECRET``; the token is fetched once and again after a 401;
* ``mtls``: ``MTLS_CERT`` and ``MTLS_KEY``, file paths of the client certificate and key.

Nothing here logs a value; errors name the variable, never its content.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from .errors import PipelineError, classify_status

AuthMethod = str  # "none" | "oauth2_client_credentials" | "api_key" | "mtls"


def secret(name: str) -> str:
    """The value of ``name``, or the content of the file ``name_FILE`` points at."""
    value = os.environ.get(name)
    if value:
        return value
    file = os.environ.get(f"{name}_FILE")
    if file:
        try:
            text = Path(file).read_text(encoding="utf-8").strip()
        except OSError as error:
            raise PipelineError(
                "auth", f"{name}_FILE names an unreadable file: {error.strerror}"
            ) from None
        if text:
            return text
    raise PipelineError("auth", f"environment variable {name} (or {name}_FILE) is not set")


class HttpAuth:
    """Headers and client certificate for one end (source or target)."""

    def __init__(self, method: AuthMethod, *, prefix: str = "", api_key_header: str = "X-API-Key"):
        self.method = method
        self.prefix = prefix
        self.api_key_header = api_key_header
        self._token: str | None = None

    def _secret(self, name: str) -> str:
        return secret(f"{self.prefix}{name}")

    def cert(self) -> tuple[str, str] | None:
        """The client certificate for mTLS (file paths), else None."""
        if self.method != "mtls":
            return None
        return (self._secret("MTLS_CERT"), self._secret("MTLS_KEY"))

    def headers(self, client: httpx.Client) -> dict[str, str]:
        if self.method == "api_key":
            return {self.api_key_header: self._secret("API_KEY")}
        if self.method == "oauth2_client_credentials":
            return {"Authorization": f"Bearer {self._oauth_token(client)}"}
        return {}

    def _oauth_token(self, client: httpx.Client) -> str:
        if self._token is None:
            response = client.post(
                self._secret("OAUTH_TOKEN_URL"),
                data={"grant_type": "client_credentials"},
                auth=(self._secret("OAUTH_CLIENT_ID"), self._secret("OAUTH_CLIENT_SECRET")),
            )
            if response.status_code >= 400:
                raise classify_status(response.status_code, detail="token request")
            self._token = str(response.json()["access_token"])
        return self._token

    def rejected(self, status: int) -> None:
        """Tell the auth a response status: a 401 drops the token so the next try refreshes."""
        if status == 401:
            self._token = None
