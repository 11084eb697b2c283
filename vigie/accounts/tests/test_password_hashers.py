"""Passwords: a strong hasher in production, a fast one under tests only (vigie/conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings
from django.contrib.auth.hashers import get_hasher

# What the real settings give, read in a fresh interpreter (no test override there).
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
h = get_hasher()
print(json.dumps({"hashers": settings.PASSWORD_HASHERS, "algorithm": h.algorithm,
                  "iterations": getattr(h, "iterations", None)}))
"""


def test_production_settings_hash_passwords_with_a_million_pbkdf2_iterations():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vigie.settings"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    real = json.loads(out.stdout.strip().splitlines()[-1])
    assert not any("MD5" in h or "Unsalted" in h for h in real["hashers"]), real
    assert real["algorithm"] in ("pbkdf2_sha256", "argon2", "scrypt"), real
    if real["algorithm"] == "pbkdf2_sha256":
        assert real["iterations"] >= 1_000_000, real


def test_tests_hash_with_the_fast_hasher_and_still_check_passwords(django_user_model, db):
    assert settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")
    assert get_hasher().algorithm == "md5"
    user = django_user_model(username="hasher")
    user.set_password("Vigie-Test-2026!")
    assert user.password.startswith("md5$")
    assert user.check_password("Vigie-Test-2026!")
    assert not user.check_password("pas-le-bon")
