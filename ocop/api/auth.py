"""Token authentication (Authorization: Bearer <token>). The API does not use the session cookie:
a signed-in browser without a token is anonymous here, so CSRF cannot reach the API."""

from __future__ import annotations

from ninja.security import HttpBearer

from ocop.api.services.tokens import authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        user = authenticate(token.strip(), ip=request.META.get("REMOTE_ADDR", ""))
        if user is not None:
            request.api_user = user
        return user


token_auth = TokenAuth()
