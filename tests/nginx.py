"""The reference nginx in front of a test server, and visitors on their own loopback addresses.

    with reference_nginx([live_server_netloc], tmp_dir) as proxy:
        visitor = Visitor(proxy.port, "127.0.0.2")
        response = visitor.get("/en/")

nginx runs with the project's own `deploy/nginx/portal-http.conf` and
`deploy/nginx/portal-locations.conf`; only what differs per machine (paths, the upstream
addresses, the port) is written here, as `deploy/nginx/nginx.conf` does in production. Every
address in 127.0.0.0/8 is this machine, so a Visitor bound to 127.0.0.2 and another bound to
127.0.0.3 are two clients as far as nginx and Django can tell.
"""

import http.client
import http.cookies
import shutil
import socket
import tempfile
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scripts.services import BASE_DIR, free_port, nginx, wait_until

DEPLOY_NGINX = BASE_DIR / "deploy" / "nginx"

CONFIG = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {dir}/access.log;
    client_body_temp_path {dir}/temp/body;
    proxy_temp_path {dir}/temp/proxy;
    fastcgi_temp_path {dir}/temp/fastcgi;
    uwsgi_temp_path {dir}/temp/uwsgi;
    scgi_temp_path {dir}/temp/scgi;
    # As in deploy/nginx/nginx.conf, with local web nodes and a local cache directory.
    upstream portal_web {{
{servers}
        keepalive 8;
    }}
    proxy_cache_path {dir}/cache levels=1:2 keys_zone=portal_pages:10m max_size=100m
                     inactive=1h use_temp_path=off;
    include {deploy}/portal-http.conf;
    server {{
        listen 127.0.0.1:{port};
        server_name _;
        include {deploy}/portal-locations.conf;
    }}
}}
"""


@dataclass
class Proxy:
    port: int
    directory: Path

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def error_log(self):
        path = self.directory / "error.log"
        return path.read_text() if path.exists() else ""


def accepts_connections(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def reference_nginx(upstreams, server_options="max_fails=3 fail_timeout=10s"):
    """nginx on a free port of 127.0.0.1 in front of `upstreams` ("127.0.0.1:PORT", …)."""
    directory = Path(tempfile.mkdtemp(prefix="portal-nginx-"))
    (directory / "temp").mkdir()
    # nginx's workers run as an unprivileged user when the tests run as root.
    for path in (directory, directory / "temp"):
        path.chmod(0o755)
    port = free_port()
    servers = "\n".join(f"        server {upstream} {server_options};" for upstream in upstreams)
    config = CONFIG.format(dir=directory, deploy=DEPLOY_NGINX, port=port, servers=servers)
    try:
        with nginx(config, directory) as process:
            wait_until(lambda: accepts_connections(port), "nginx", timeout=10, process=process)
            yield Proxy(port, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Visitor:
    """One client: its own source address and its own cookies."""

    def __init__(self, port, address, host="127.0.0.1"):
        self.port = port
        self.address = address
        self.host = host
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(self.address, 0)
        )
        sent = {"Host": self.host, **(headers or {})}
        if self.cookies and "Cookie" not in sent:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def post(self, path, data, headers=None):
        body = urllib.parse.urlencode(data).encode()
        return self.request(
            "POST",
            path,
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )
