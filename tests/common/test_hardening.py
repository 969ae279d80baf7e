"""A hardened server: deploy checks, security headers, no caching, CSRF, host checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_check_deploy_with_no_warning(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("QANTAR_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {"QANTAR_PRODUCTION": "1", "QANTAR_SECRET_KEY": secrets.token_urlsafe(60),
            "QANTAR_ALLOWED_HOSTS": "qantar.example.org", "QANTAR_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), "check", "--deploy",
                             "--fail-level", "WARNING"], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.django_db
def test_every_page_carries_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_authenticated_pages_are_never_cached(client, documenter):
    client.force_login(documenter)
    assert client.get("/")["Cache-Control"] == "no-store, private"


@pytest.mark.django_db
def test_posts_need_a_csrf_token(documenter):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "documenter", "password": "x"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_foreign_host_headers_are_rejected(client):
    assert client.get("/accounts/login/", HTTP_HOST="evil.example").status_code == 400


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(client, documenter):
    client.force_login(documenter)
    for url in ("/accounts/login/", "/"):
        html = client.get(url).content.decode()
        assert "<script>" not in html and "<style" not in html and " style=" not in html
        assert "onclick=" not in html
