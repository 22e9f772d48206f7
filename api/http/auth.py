"""Bearer-key auth for ``/v1``: on when ``PARALLAX_API_KEYS`` lists any key.

Keys are compared as SHA-256 digests with ``hmac.compare_digest`` against every key,
so the time taken says nothing about how much of a key matched, nor which key. Keys
are ``SecretStr`` and are never logged or echoed.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import SecretStr
from starlette.exceptions import HTTPException

from api.http.deps import SettingsDep

bearer = HTTPBearer(
    auto_error=False,
    description="`Authorization: Bearer <key>`, one of PARALLAX_API_KEYS (when set).",
)


def key_matches(given: str, keys: list[SecretStr]) -> bool:
    digest = hashlib.sha256(given.encode()).digest()
    matched = False
    for key in keys:  # no early exit: every key is compared
        expected = hashlib.sha256(key.get_secret_value().encode()).digest()
        matched |= hmac.compare_digest(digest, expected)
    return matched


async def require_api_key(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    if not settings.api_keys:
        return
    if credentials is None or not key_matches(credentials.credentials, settings.api_keys):
        raise HTTPException(
            401,
            "a valid API key is required: Authorization: Bearer <key>",
            headers={"WWW-Authenticate": 'Bearer realm="parallax"'},
        )
