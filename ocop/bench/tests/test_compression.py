"""Compressed HTML (issue 17): pages are served gzip when the client accepts it, with Django's BREACH
mitigations — the compressed length is padded at random, and the CSRF token in the page is masked
afresh in every response (its secret never appears in the HTML). No timing here."""

from __future__ import annotations

import gzip
import re

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.middleware.gzip import GZipMiddleware
from django.test import Client, RequestFactory

# A page of ordinary HTML, long enough to be worth compressing (GZipMiddleware skips < 200 bytes).
PAGE = ("<!DOCTYPE html><html><body>" + "<p>Sản phẩm OCOP 3 sao, tỉnh Quảng Ninh.</p>" * 40 + "</body></html>").encode()

TOKEN_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.mark.django_db
def test_login_page_is_gzip_when_accepted_and_plain_otherwise():
    client = Client()
    zipped = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert zipped.status_code == 200
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    html = gzip.decompress(zipped.content)
    assert b"<html" in html and b"csrfmiddlewaretoken" in html
    assert len(zipped.content) < len(html) / 2  # HTML compresses at least twofold

    plain = client.get("/accounts/login/")
    assert plain.status_code == 200 and not plain.has_header("Content-Encoding")
    assert b"<html" in plain.content


def test_gzip_sits_below_whitenoise_so_static_files_stay_precompressed():
    middleware = settings.MIDDLEWARE
    gzip_at = middleware.index("django.middleware.gzip.GZipMiddleware")
    assert middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") < gzip_at
    # before every middleware that writes the body (it must compress the final page)
    assert gzip_at < middleware.index("django.middleware.csrf.CsrfViewMiddleware")
    assert gzip_at < middleware.index("ocop.lib.middleware.SecurityHeadersMiddleware")


def test_compressed_length_is_randomised_for_the_same_page():
    """BREACH needs the compressed length of the same page to differ only with the guessed secret;
    Django 5.2 writes 0-99 random bytes into the gzip header, so identical pages differ in length."""
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    middleware = GZipMiddleware(lambda r: HttpResponse(PAGE))
    lengths = set()
    for _ in range(30):
        response = middleware(request)
        assert response["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.content) == PAGE  # the padding never changes the page
        lengths.add(len(response.content))
    # 30 draws of 100 possible paddings all equal: probability 100**-29
    assert len(lengths) > 1


@pytest.mark.django_db
def test_csrf_token_is_masked_per_response_and_its_secret_never_in_the_page():
    client = Client()
    first = gzip.decompress(client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip").content)
    secret = client.cookies[settings.CSRF_COOKIE_NAME].value
    second = gzip.decompress(client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip").content)
    assert client.cookies[settings.CSRF_COOKIE_NAME].value == secret  # same session secret

    first_tokens, second_tokens = set(TOKEN_RE.findall(first)), set(TOKEN_RE.findall(second))
    assert first_tokens and second_tokens
    assert not first_tokens & second_tokens  # a fresh mask in every response
    tokens = first_tokens | second_tokens
    for token in tokens:
        assert _unmask_cipher_token(token.decode()) == secret
    assert secret.encode() not in first and secret.encode() not in second
