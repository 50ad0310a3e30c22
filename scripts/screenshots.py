"""`make screenshots`: the pictures in docs/screenshots/ that README.md and docs/admin.md show.

Starts the portal (development settings, `manage.py runserver`) on a throw-away SQLite
database with the real data, a superuser and one sample enquiry, then drives Debian's
Chromium through Playwright: the public pages in ja, en, my and ur at 390×844 and 1280×800,
and the Japanese admin at 1280×800. Viewport only, not the full page. Nothing leaves
127.0.0.1; a request to another host stops the run. Prints where each page's <h1> starts and
whether the page is wider than the screen, the two things a phone shows first.
"""

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.services import BASE_DIR, free_port, http_status, stop, wait_until  # noqa: E402

OUTPUT = BASE_DIR / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# {name: path after the language prefix}. The postal-code page is reached by its form.
PAGES = {
    "home": "/",
    "listing": "/associations/",
    "detail": "/associations/kawasaki-city/",
    "postal-code": "/associations/serving/",
    "map": "/map/",
    "enquiry-form": "/enquiries/new/",
}
LANGUAGES = ["ja", "en", "my", "ur"]
VIEWPORTS = {390: 844, 1280: 800}
POSTAL_CODE = "210-0007"  # 神奈川県川崎市川崎区駅前本町: Kawasaki's and Kanagawa's associations
DETAIL_SLUG = "kawasaki-city"
ADMIN_PAGES = [
    "index",
    "association-list",
    "association-change",
    "association-history",
    "enquiry-list",
]
ADMIN_WIDTH, ADMIN_HEIGHT = 1280, 800
ADMIN_USER = "screenshots"


def public_file(page, language, width):
    return f"{page}-{language}-{width}.png"


def admin_file(page):
    return f"admin-{page}-{ADMIN_WIDTH}.png"


def expected_files():
    """Every file this script writes, in the order it writes them."""
    return [
        public_file(page, language, width)
        for width in VIEWPORTS
        for language in LANGUAGES
        for page in PAGES
    ] + [admin_file(page) for page in ADMIN_PAGES]


@contextmanager
def portal(work, password):
    """The development server on a free port with a fresh database; yields its base URL."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))},
        "PORTAL_ENV": "development",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "CACHE_URL": "",
        "PAGE_CACHE_SECONDS": "0",
        # The browser fills the sample enquiry faster than a person could.
        "ENQUIRY_MIN_FILL_SECONDS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SUPERUSER_PASSWORD": password,
    }

    def manage(*args):
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True
        )
        if done.returncode:
            sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stderr.decode()[-4000:]}")

    manage("migrate", "-v0")
    manage("load_initial_data", "-v0")
    manage("createsuperuser", "--noinput", "--username", ADMIN_USER, "--email", "staff@localhost")
    port = free_port()
    log = open(work / "runserver.log", "w")  # noqa: SIM115 - closed after the server stops
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: http_status(f"{base}/healthz") == 200, "runserver", process=process)
        yield base
    except BaseException:
        log.flush()
        print((work / "runserver.log").read_text()[-4000:], file=sys.stderr)
        raise
    finally:
        stop(process)
        log.close()


def refuse_other_hosts(context, base):
    """No third-party request, and no internet: anything not for the portal is aborted."""
    own = urlsplit(base).netloc
    refused = []

    def route(route):
        url = route.request.url
        if urlsplit(url).netloc == own or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    context.route("**/*", route)
    return refused


def open_page(page, url):
    response = page.goto(url, wait_until="load")
    if response is None or response.status != 200:
        raise RuntimeError(f"{url} answered {response and response.status}")
    settle(page)


def settle(page):
    page.locator("h1").first.wait_for(state="visible")
    page.evaluate("document.fonts.ready.then(() => true)")


def layout_report(page):
    """Where the <h1> starts and how wide the document is, in CSS pixels."""
    return page.evaluate(
        """() => ({
            h1: Math.round(document.querySelector("h1").getBoundingClientRect().top + scrollY),
            width: document.documentElement.scrollWidth,
        })"""
    )


def shoot(page, name, notes):
    path = OUTPUT / name
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    report = layout_report(page)
    viewport = page.viewport_size
    wider = (
        f"  WIDER THAN THE SCREEN: {report['width']} px"
        if report["width"] > viewport["width"]
        else ""
    )
    notes.append(
        f"{name:<36} h1 at {report['h1']:>5} px of {viewport['height']}{wider}"
        f"  {path.stat().st_size // 1024} KB"
    )


def public_pages(browser, base, notes):
    for width, height in VIEWPORTS.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        refused = refuse_other_hosts(context, base)
        page = context.new_page()
        for language in LANGUAGES:
            for name, path in PAGES.items():
                open_page(page, f"{base}/{language}{path}")
                if name == "postal-code":
                    # The resident's way: type the code, keep the offered language, send.
                    page.fill("#postal-code", POSTAL_CODE)
                    with page.expect_navigation(wait_until="load"):
                        page.locator("form.serving-form button[type=submit]").click()
                    settle(page)
                    page.locator("#serving-results-heading").wait_for(state="visible")
                shoot(page, public_file(name, language, width), notes)
        context.close()
        if refused:
            raise RuntimeError(f"requests to other hosts: {refused}")


def send_sample_enquiry(page, base):
    """One enquiry, sent through the Japanese form as a resident would."""
    open_page(page, f"{base}/ja/enquiries/new/?association={DETAIL_SLUG}")
    page.select_option("#id_topic", index=1)
    page.fill("#id_message", "川崎市で日本語教室を探しています。土曜日に通える教室はありますか。")
    page.fill("#id_name", "見本 花子")
    page.fill("#id_email", "sample@example.org")
    page.check("#id_forwarding_consent")
    page.check("#id_privacy_notice")
    with page.expect_navigation(wait_until="load"):
        page.locator("form.enquiry-form button[type=submit]").click()
    with page.expect_navigation(wait_until="load"):
        page.locator("#send-enquiry").click()
    page.locator("#reference").wait_for(state="visible")


def admin_pages(browser, base, password, notes):
    context = browser.new_context(
        viewport={"width": ADMIN_WIDTH, "height": ADMIN_HEIGHT}, locale="ja-JP"
    )
    refused = refuse_other_hosts(context, base)
    page = context.new_page()
    send_sample_enquiry(page, base)

    page.goto(f"{base}/admin/login/?next=/admin/", wait_until="load")
    page.fill("#id_username", ADMIN_USER)
    page.fill("#id_password", password)
    with page.expect_navigation(wait_until="load"):
        page.locator("#login-form [type=submit]").click()
    if urlsplit(page.url).path != "/admin/":
        raise RuntimeError(f"the admin login did not succeed: {page.url}")

    def admin(path, name):
        open_page(page, f"{base}{path}")
        if page.locator("html").get_attribute("lang") != "ja":
            raise RuntimeError(f"{path} is not in Japanese")
        shoot(page, admin_file(name), notes)

    admin("/admin/", "index")
    admin("/admin/directory/association/", "association-list")
    page.fill("#searchbar", DETAIL_SLUG)
    with page.expect_navigation(wait_until="load"):
        page.locator("#changelist-search [type=submit]").click()
    change = page.locator("#result_list tbody a[href*='/change/']").first.get_attribute("href")
    admin(change, "association-change")
    admin(change.replace("/change/", "/history/"), "association-history")
    admin("/admin/enquiries/enquiry/", "enquiry-list")
    if page.locator("#result_list tbody tr").count() != 1:
        raise RuntimeError("the enquiry list should show the one sample enquiry")
    context.close()
    if refused:
        raise RuntimeError(f"requests to other hosts: {refused}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    notes = []
    password = secrets.token_urlsafe(24)
    with ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="portal-shots-")))
        base = stack.enter_context(portal(work, password))
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        stack.callback(browser.close)
        public_pages(browser, base, notes)
        admin_pages(browser, base, password, notes)
    print("\n".join(notes))
    total = sum((OUTPUT / name).stat().st_size for name in expected_files())
    print(f"{len(expected_files())} screenshots, {total / 1e6:.1f} MB, in {OUTPUT}")


if __name__ == "__main__":
    main()
