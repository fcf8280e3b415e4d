"""Fixtures of the API tests: a token per demo user and a client that sends it."""

from __future__ import annotations

import json

import pytest

from ocop.api.services.tokens import do_create_token

BASE = "/api/v1"


class ApiClient:
    """Django's test client speaking JSON with an optional bearer token."""

    def __init__(self, client, token: str | None = None):
        self.client, self.token = client, token

    def _headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, params=None):
        return self.client.get(BASE + path, params or {}, **self._headers())

    def send(self, method, path, body=None):
        return getattr(self.client, method)(
            BASE + path,
            data=json.dumps(body if body is not None else {}),
            content_type="application/json",
            **self._headers(),
        )

    def post(self, path, body=None):
        return self.send("post", path, body)

    def patch(self, path, body=None):
        return self.send("patch", path, body)


@pytest.fixture
def tokens(demo_users) -> dict[str, str]:
    """username -> a fresh token of that demo user."""
    return {name: do_create_token(user, f"kiểm thử {name}")[1] for name, user in demo_users.items()}


@pytest.fixture
def api(client):
    def make(token: str | None = None) -> ApiClient:
        return ApiClient(client, token)

    return make
