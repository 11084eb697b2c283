"""`vigie check --deploy` is clean under production settings (issue #5 §8, docs/deploy.md)."""

import os
import secrets
import subprocess  # nosec B404
import sys


def test_check_deploy_has_no_warnings_in_production(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("VIGIE_", "DJANGO_", "DATABASE"))
    }
    env.update(
        VIGIE_DEBUG="0",
        VIGIE_SECRET_KEY=secrets.token_urlsafe(50),
        VIGIE_HTTPS="1",
        VIGIE_ALLOWED_HOSTS="vigie.example-hlm.fr",
        VIGIE_DATA_DIR=str(tmp_path),
    )
    proc = subprocess.run(  # nosec B603
        [sys.executable, "-m", "vigie.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues" in proc.stdout, proc.stdout


def test_check_deploy_warns_without_https(tmp_path):
    """The check is live: without VIGIE_HTTPS it reports the missing HSTS and redirect."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("VIGIE_", "DJANGO_", "DATABASE"))
    }
    env.update(
        VIGIE_DEBUG="0",
        VIGIE_SECRET_KEY=secrets.token_urlsafe(50),
        VIGIE_DATA_DIR=str(tmp_path),
    )
    proc = subprocess.run(  # nosec B603
        [sys.executable, "-m", "vigie.manage", "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "security.W004" in proc.stdout + proc.stderr
