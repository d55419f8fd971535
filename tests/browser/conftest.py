"""Fixtures of the console's browser tests: a pcentral server on a free port with a fresh
data directory, boto3 clients for the stories, and one headless Chromium (Debian's, driven
through /usr/bin/chromedriver given explicitly, so selenium's driver manager never runs)."""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SCREENSHOTS = Path(os.environ.get("PCENTRAL_SCREENSHOTS") or HERE / ".screenshots")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, headers=None):
    """(status, headers, body bytes) of one request; never raises for an HTTP status."""
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    hdrs = dict(headers or {})
    if method not in ("GET", "HEAD"):
        # An admin call but GET and HEAD says it is one (docs/security.md, the admin gate).
        hdrs.setdefault("Content-Type", "application/json")
        hdrs.setdefault("x-pcentral-admin", "1")
    if data is not None:
        hdrs.setdefault("Content-Type", "application/json")
    request = urllib.request.Request(url, data=data, headers=hdrs, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


class Server:
    """One `pcentral serve` on a fresh data directory. `host` is what it listens on and
    `url` what clients use (they differ for the IPv4-mapped listener)."""

    def __init__(self, *extra, listen_host="127.0.0.1"):
        self.root = Path(tempfile.mkdtemp(prefix="pcentral-browser-"))
        self.port = free_port()
        listen = f"[{listen_host}]:{self.port}" if ":" in listen_host else f"{listen_host}:{self.port}"
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PCENTRAL_")}
        self.log = open(self.root / "server.log", "wb")
        self.proc = subprocess.Popen(
            [os.environ.get("PCENTRAL_BIN") or str(REPO / "target/debug/pcentral"), "serve", "--listen", listen,
             "--data-dir", str(self.root / "data"), *extra],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        # Ready when health answers 200: a starting node already accepts connections and
        # answers 503 (docs/compat.md), so an open port is not enough.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"pcentral exited: {(self.root / 'server.log').read_text()}")
            try:
                if http("GET", self.url + "/_pcentral/health")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("pcentral did not start")

    def client(self, account):
        return boto3.client("partnercentral-account", endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id=account, aws_secret_access_key="test",
                            config=Config(retries={"total_max_attempts": 1}))

    def admin(self, method, path, body=None, headers=None):
        status, _, raw = http(method, self.url + path, body, headers)
        return status, (json.loads(raw) if raw else None)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def server():
    srv = Server()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium of its own profile, with a WebDriverWait `wait` attached."""
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    profile = tempfile.mkdtemp(prefix="pcentral-chromium-")
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,900"]:
        options.add_argument(flag)
    service = Service(executable_path=os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.wait = WebDriverWait(driver, 10)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver, name):
    """Save the whole page as SCREENSHOTS/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return Math.max(document.body.scrollHeight, 600)")
    width = driver.execute_script("return window.innerWidth")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": min(height, 2400), "deviceScaleFactor": 1, "mobile": False})
    try:
        driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def texts(driver, css):
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, css)]
