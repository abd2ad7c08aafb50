"""End to end in a real browser: Playwright drives Debian's Chromium against a live app.

Starts ``streamlit run dashboard.py`` on a temp store, uploads a tweet-harvest CSV whose posts
carry HTML/Markdown/script payloads, walks every page, asserts no error element and that no
payload became live HTML, and saves full-height screenshots to ``artifacts/screenshots`` (the Isu page with
the first card's narratives opened).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "artifacts" / "screenshots"
PAGES = ["ringkasan", "isu", "isu_naik", "wilayah", "sentimen", "akun_tagar", "perencanaan", "briefing",
         "data", "pengaturan"]
URL_PATHS = {"ringkasan": ""}  # the overview is the app's root
PAYLOADS = [
    "<script>window.__pwned=1</script> harga beras naik",
    "<img src=x onerror=\"window.__pwned=1\"> banjir jakarta",
    "[klik di sini](javascript:window.__pwned=1) bansos cair",
    "![gambar](http://127.0.0.1:9/x.png) jalan rusak",
    "=HYPERLINK(\"http://evil\",\"x\") harga bbm",
]
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve_app(tmp: Path, *options: str):
    """``streamlit run dashboard.py`` on a free port with a store in ``tmp``; yields its URL."""
    port = _free_port()
    env = dict(os.environ, PANTAUISU_DB_PATH=str(tmp / "app.duckdb"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", *options],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("Streamlit did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    yield from _serve_app(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def upload_file(tmp_path_factory):
    from monitoring.demo.generator import write_demo_csv

    path = tmp_path_factory.mktemp("upload") / "tweets-harvest.csv"
    write_demo_csv(path, n_posts=4000, seed=5)  # enough posts per issue for narratives
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    rows = []
    for i, payload in enumerate(PAYLOADS):
        values = {h: "" for h in header}
        values.update(id_str=f"99{i}", full_text=payload, username=f"<b>akun{i}</b>",
                      created_at="2026-11-20T10:00:00Z", location="Bandung")
        rows.append(",".join('"' + values[h].replace('"', '""') + '"' for h in header))
    path.write_text("\n".join(lines + rows) + "\n", encoding="utf-8")
    return path


def _full_screenshot(page, name: str) -> None:
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], section.main, "
        "[data-testid=\"stAppViewContainer\"]')].map(e => e.scrollHeight), document.body.scrollHeight)")
    page.set_viewport_size({"width": 1440, "height": min(max(int(height) + 40, 900), 12000)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _settle(page, quiet_checks: int = 4) -> None:
    """Wait until the script run is over: no running indicator for a few checks in a row."""
    page.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    page.wait_for_timeout(500)
    quiet, waited = 0, 0
    while quiet < quiet_checks and waited < 180_000:
        busy = page.evaluate("() => !!document.querySelector('[data-testid=\"stStatusWidget\"]') || "
                             "!!document.querySelector('[data-testid=\"stSkeleton\"]')")
        quiet = 0 if busy else quiet + 1
        page.wait_for_timeout(300)
        waited += 300


def _assert_clean(page, where: str) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, f"exception on {where}"
    errors = page.locator("[data-testid='stAlertContentError']")
    assert errors.count() == 0, f"error on {where}: {errors.first.inner_text() if errors.count() else ''}"
    assert page.evaluate("() => window.__pwned") is None, f"payload executed on {where}"
    assert page.locator("img[src='x'], img[src*='127.0.0.1:9'], a[href^='javascript:']").count() == 0, where
    assert page.get_by_text("Page not found").count() == 0, f"Streamlit's 'Page not found' dialog on {where}"
    assert page.get_by_text("Choose options").count() == 0, f"English placeholder on {where}"


def test_upload_and_walk_every_page(app_url, upload_file):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-quic", "--no-first-run", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(app_url + "/data")
        _settle(page)
        # A bad file first: a clear Indonesian message, and the app keeps working.
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
            {"name": "kosong.csv", "mimeType": "text/csv", "buffer": b""})
        page.get_by_text("kosong", exact=False).first.wait_for(timeout=60_000)
        _settle(page)
        assert page.locator("[data-testid='stAlertContentError']").count() >= 1
        _full_screenshot(page, "00_bad_file")
        page.goto(app_url + "/data")
        _settle(page)
        page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload_file))
        page.get_by_role("button", name="Impor berkas ini").click(timeout=60_000)
        page.get_by_text("unggahan diimpor").wait_for(timeout=180_000)
        page.get_by_text("Analisis selesai").wait_for(timeout=180_000)
        _settle(page)
        _assert_clean(page, "data after upload")
        _full_screenshot(page, "00_upload")
        for i, slug in enumerate(PAGES, start=1):
            page.goto(f"{app_url}/{URL_PATHS.get(slug, slug)}")
            _settle(page)
            _assert_clean(page, slug)
            if slug == "isu":  # the headline first on every card, and the first card's narratives opened
                assert page.get_by_text("Kata kunci:", exact=False).count() >= 3
                page.get_by_text("Narasi dalam isu ini", exact=False).first.click()
                _settle(page)
                assert page.get_by_text("Narasi: ", exact=False).count() >= 1
                page.locator("[data-testid='stExpanderDetails'] [data-testid='stDataFrame']").first.wait_for(
                    timeout=30_000)
                _assert_clean(page, "isu with narratives")
            _full_screenshot(page, f"{i:02d}_{slug}")
        # The payload posts are shown as literal text where posts are listed. The overview's old URL
        # (/ringkasan, bookmarked before the overview moved to the root) opens it with the same filters.
        page.goto(f"{app_url}/ringkasan?cari=__pwned")
        _settle(page)
        page.wait_for_url(lambda url: urlparse(url).path == "/" and "cari=__pwned" in url, timeout=30_000)
        _full_screenshot(page, "11_payload_search")
        page.get_by_text("<script>window.__pwned=1</script>", exact=False).first.wait_for(timeout=30_000)
        _assert_clean(page, "search for payloads")
        browser.close()


@pytest.fixture(scope="module")
def login_app_url(tmp_path_factory):
    """The app with login configured (an OIDC provider that is never contacted: nobody logs in)."""
    tmp = tmp_path_factory.mktemp("login")
    secrets = tmp / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "http://127.0.0.1:9/oauth2callback"\n'
                       'cookie_secret = "test-cookie-secret-0123456789"\nclient_id = "pantauisu"\n'
                       'client_secret = "x"\n'
                       'server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"\n',
                       encoding="utf-8")
    yield from _serve_app(tmp, "--secrets.files", str(secrets))


def test_the_login_screen_shows_no_navigation_and_no_page(login_app_url):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        for path in ("/", "/isu", "/common", "/upload", "/navigation", "/data"):
            page.goto(login_app_url + path)
            _settle(page)
            page.get_by_role("button", name="Masuk").wait_for(timeout=30_000)
            assert page.locator("[data-testid='stSidebarNav'], [data-testid='stSidebarNavLink'], "
                                "[data-testid='stTopNavLink']").count() == 0, path
            assert page.get_by_text("Ringkasan").count() == 0, path
            assert page.get_by_text("Unggah", exact=False).count() == 0, path
        _full_screenshot(page, "00_login")
        browser.close()
