"""Security headers on every page, the admin included."""

import pytest
from django.http import HttpResponse
from django.urls import reverse

from newsroom.security import SecurityHeadersMiddleware

pytestmark = pytest.mark.django_db

REQUIRED_DIRECTIVES = ["default-src 'self'", "object-src 'none'", "base-uri 'self'",
                       "frame-ancestors 'none'"]


@pytest.fixture
def pages(make_article):
    article = make_article(topics=["Verkehr"])
    return ["/", reverse("articles:list"), article.get_absolute_url(),
            reverse("articles:topic", args=["verkehr"]), "/admin/login/", "/gibt-es-nicht/"]


def assert_secure_headers(response):
    policy = response["Content-Security-Policy"]
    for directive in REQUIRED_DIRECTIVES:
        assert directive in policy
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "http" not in script_src
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_public_pages_and_admin_send_security_headers(client, editor_client, pages):
    for url in pages:
        assert_secure_headers(client.get(url))
        assert_secure_headers(client.get(url))  # the cached copy too
    assert_secure_headers(editor_client.get(reverse("admin:articles_article_add")))


def with_nonce(request):
    return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')


def without_nonce(request):
    return HttpResponse("<p>Kein Skript</p>")


def test_policy_names_the_nonce_only_when_a_page_uses_it(rf):
    response = SecurityHeadersMiddleware(with_nonce)(rf.get("/"))
    nonce = response.content.decode().split('nonce="')[1].split('"')[0]
    assert len(nonce) >= 16
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    plain = SecurityHeadersMiddleware(without_nonce)(rf.get("/"))
    assert "nonce" not in plain["Content-Security-Policy"]
