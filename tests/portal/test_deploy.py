"""The reference deployment's configuration files are valid for the programs that read them."""

import os
import subprocess
import sys

from scripts.services import BASE_DIR

DEPLOY = BASE_DIR / "deploy"


def test_reference_nginx_configuration_is_valid(tmp_path):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=portal.example.org"]
        + ["-keyout", tmp_path / "key.pem", "-out", tmp_path / "cert.pem"],
        check=True,
        capture_output=True,
    )
    # The same file with this machine's paths in place of the production ones.
    config = (DEPLOY / "nginx" / "nginx.conf").read_text()
    for production, here in {
        "/etc/ssl/portal/fullchain.pem": tmp_path / "cert.pem",
        "/etc/ssl/portal/privkey.pem": tmp_path / "key.pem",
        "/etc/nginx/portal-locations.conf": DEPLOY / "nginx" / "portal-locations.conf",
        "/etc/nginx/portal-http.conf": DEPLOY / "nginx" / "portal-http.conf",
        "/var/log/nginx/access.log": tmp_path / "access.log",
        "/var/cache/nginx/portal": tmp_path / "cache",
        "/run/nginx.pid": tmp_path / "nginx.pid",
    }.items():
        assert production in config
        config = config.replace(production, str(here))
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(config)
    result = subprocess.run(
        ["nginx", "-t", "-p", tmp_path, "-c", tmp_path / "nginx.conf"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_gunicorn_configuration_is_valid():
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", "deploy/gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_backup_scripts_are_executable():
    for name in ("pg-backup.sh", "pg-restore.sh"):
        assert os.access(DEPLOY / name, os.X_OK), name
