"""Deployment story: production settings pass Django's deploy checks, refuse to start
without a secret, and the compose file describes a scalable stack."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG", "SECRET_KEY", "AUDIT_SEAL_KEY"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def test_production_settings_pass_check_deploy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        SECRET_KEY="x7!k2v9q-production-like-secret-key-with-plenty-of-entropy-4f8a1c",
        AUDIT_SEAL_KEY="a-seal-key-kept-outside-the-database-9c1e",
        ALLOWED_HOSTS="hub.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", DJANGO_DEBUG="0", ALLOWED_HOSTS="hub.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_the_audit_seal_key():
    result = _manage(
        "check",
        DJANGO_DEBUG="0",
        SECRET_KEY="x7!k2v9q-production-like-secret-key-with-plenty-of-entropy-4f8a1c",
        ALLOWED_HOSTS="hub.example.org",
    )
    assert result.returncode != 0
    assert "AUDIT_SEAL_KEY must be set" in result.stderr


def test_seed_demo_refused_in_production():
    result = _manage(
        "seed_demo",
        DJANGO_DEBUG="0",
        SECRET_KEY="x7!k2v9q-production-like-secret-key-with-plenty-of-entropy-4f8a1c",
        AUDIT_SEAL_KEY="a-seal-key-kept-outside-the-database-9c1e",
        ALLOWED_HOSTS="hub.example.org",
    )
    assert result.returncode != 0
    assert "refused when DJANGO_DEBUG=0" in result.stderr


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_app_and_job_services(compose):
    assert set(compose["services"]) == {"postgres", "redis", "migrate", "web", "worker", "beat"}
    assert compose["services"]["postgres"]["image"].startswith("postgres:")
    assert compose["services"]["redis"]["image"].startswith("redis:")


def test_compose_services_are_healthchecked_and_ordered(compose):
    services = compose["services"]
    for name in ("postgres", "redis", "web"):
        assert services[name]["healthcheck"]["test"], name
    web_deps = services["web"]["depends_on"]
    assert web_deps["migrate"]["condition"] == "service_completed_successfully"
    assert web_deps["postgres"]["condition"] == "service_healthy"
    assert web_deps["redis"]["condition"] == "service_healthy"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "manage.py migrate" in " ".join(services["migrate"]["command"])
    assert "manage.py create_app_role" in " ".join(services["migrate"]["command"])


def test_compose_web_scales_and_shares_services(compose):
    web = compose["services"]["web"]
    # A fixed host port would make a second replica fail to bind.
    assert "ports" not in web
    assert web["deploy"]["replicas"] >= 2
    env = web["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["DJANGO_DEBUG"] == "0"
    assert "daphne" in web["command"]
    assert "referral_hub.asgi:application" in web["command"]
    # Every env var the web tier needs is the same for the migrate step, except the
    # database role: migrations run as the owner, the app as the least-privilege role.
    migrate_env = compose["services"]["migrate"]["environment"]
    assert {k: v for k, v in migrate_env.items() if k not in {"DATABASE_URL", "APP_DB_PASSWORD"}} == {
        k: v for k, v in env.items() if k != "DATABASE_URL"
    }
    assert env["DATABASE_URL"].startswith("postgres://referral_hub_app:")
    assert migrate_env["DATABASE_URL"].startswith("postgres://referral_hub:")


def test_dockerfile_runs_daphne_as_non_root():
    text = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11" in text
    assert "USER app" in text
    assert "requirements.txt" in text


def test_compose_runs_scalable_workers_and_exactly_one_beat(compose):
    services = compose["services"]
    worker, beat = services["worker"], services["beat"]
    assert worker["command"][:4] == ["celery", "-A", "referral_hub", "worker"]
    assert "ports" not in worker and worker["deploy"]["replicas"] >= 1
    assert "--beat" not in worker["command"], "beat runs once, in its own service"
    assert beat["command"][:4] == ["celery", "-A", "referral_hub", "beat"]
    assert beat["deploy"]["replicas"] == 1
    for job in (worker, beat):
        assert job["environment"] == services["web"]["environment"]
        assert job["depends_on"]["redis"]["condition"] == "service_healthy"
        assert job["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "inspect ping" in " ".join(worker["healthcheck"]["test"])


def test_compose_redis_keeps_queued_jobs_across_restarts(compose):
    redis = compose["services"]["redis"]
    command = redis["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert any(volume.endswith(":/data") for volume in redis["volumes"])


def test_compose_web_healthcheck_asks_readiness(compose):
    assert "/readyz" in " ".join(compose["services"]["web"]["healthcheck"]["test"])
