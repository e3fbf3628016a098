#!/usr/bin/env python3
"""The dashboard in a real browser (issue 15): headless Chromium through Selenium against the
built `reactions serve` with recorded deploys, a retrying delivery and a suggestion.

    swift build && python3 Tests/Browser/dashboard.py      # .ci/run runs it after `swift test`

Checks that every page loads without console errors, filters narrow the deploy list, the
DORA figures are `reactions stats`' own, redeliver works with an admin token and is refused
with a read token, and a server reachable from other machines shows nothing without a
token. Saves a screenshot of every page in .build/screenshots/ (look at them).
Needs chromium, chromium-driver (apt) and selenium (pip)."""
import json, os, shutil, socket, sqlite3, subprocess, sys, tempfile, time, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("REACTIONS_BIN", os.path.join(ROOT, ".build", "debug", "reactions"))
SHOTS = os.path.join(ROOT, ".build", "screenshots")
READ, ADMIN = "read-token-for-the-browser-test", "admin-token-for-the-browser-test"
failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(work, listen_host, env):
    port = free_port()
    log = open(os.path.join(work, f"serve-{port}.log"), "w")
    proc = subprocess.Popen([BINARY, "serve", "--config", os.path.join(work, "config"), "--state", os.path.join(work, "state.db"),
                             "--listen", f"{listen_host}:{port}"], stdout=subprocess.DEVNULL, stderr=log,
                            env={**os.environ, "REACTIONS_ACTOR": "browser-test", **env})
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    raise SystemExit("serve did not start")


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request) as response:
        return response.status


def deploy(base, endpoint, service, environment, status, hours_ago, dedup, commit_minutes=None):
    deployed = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - hours_ago * 3600))
    body = {"service": service, "environment": environment, "status": status, "description": f"Deploy {dedup}",
            "deployed_at": deployed, "deployer": {"name": "Michael Scott", "email": "mscott@example.com"}, "dedup_id": dedup,
            "deploy_url": "https://ci.example.com/pipelines/" + dedup}
    if commit_minutes is not None:
        body["commit"] = {"sha": "38d02f1d7aab64678a7ad3eeb2ad2887ce7253f5", "branch": "main", "message": "Fix the tax rate\n\nDetails",
                          "date": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - hours_ago * 3600 - commit_minutes * 60))}
    return post(f"{base}/integrations/deploy/{endpoint}", body)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)


def console_errors(driver):
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def visit(driver, url, wait_for, shot):
    driver.get(url)
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, wait_for) or d.find_element(By.ID, "message").text)
    time.sleep(0.2)
    driver.save_screenshot(os.path.join(SHOTS, shot + ".png"))


def main():
    os.makedirs(SHOTS, exist_ok=True)
    work = tempfile.mkdtemp(prefix="reactions-browser-")
    os.makedirs(os.path.join(work, "config"))
    endpoint = "5a1c6e2e-7d1b-4e0a-9d55-3f0b8c2a9e11"
    with open(os.path.join(work, "config", "main.json"), "w") as f:
        json.dump({"version": 1, "services": [{"name": "shopping-cart", "aliases": ["shopping_cart"]}, {"name": "search"}],
                   "endpoints": [{"name": "ci", "kind": "deploy", "id": endpoint}],
                   "reactions": [{"name": "notify", "when": {"events": ["deploy.failed"]},
                                  "retry": {"initial_delay": "1h", "max_delay": "2h"},
                                  "then": {"http": {"method": "POST", "url": "http://127.0.0.1:1/never"}}}]}, f)
    procs = []
    driver = browser()
    try:
        # 1. Loopback, no token configured: the quickstart's case, open at once.
        proc, base = serve(work, "127.0.0.1", {})
        procs.append(proc)
        for args in [("shopping_cart", "Production", "succeeded", 50, "a", 30), ("shopping_cart", "Production", "failed", 26, "b", 90),
                     ("shopping_cart", "Production", "succeeded", 25, "c", None), ("search", "Staging", "succeeded", 1, "d", 10),
                     ("mystery", "Production", "succeeded", 0.5, "e", None)]:
            check(deploy(base, endpoint, *args) == 202, f"deploy {args[4]} recorded")
        time.sleep(1)
        visit(driver, base + "/ui/#deploys", "#board .card", "deploys")
        rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        check(len(rows) == 5, f"all five deploys listed without a token on loopback ({len(rows)})")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#board .card")) == 3, "one card per service and environment")
        visit(driver, base + "/ui/#deploys?service=search", "#deploy-count", "deploys-filtered")
        check(len(driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")) == 1, "the service filter narrows the list")
        visit(driver, base + "/ui/#deploys?status=failed", "#deploy-count", "deploys-failed")
        check(len(driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")) == 1, "the status filter narrows the list")
        visit(driver, base + "/ui/#deploys?since=24h", "#deploy-count", "deploys-recent")
        check(len(driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")) == 5, "the time filter is on received time: all five just arrived")
        # Received three hours ago, as if the first two had come in then (they are the oldest
        # rows, so received times still grow with ids, as `--since` relies on).
        earlier = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() - 3 * 3600))
        with sqlite3.connect(os.path.join(work, "state.db"), timeout=10) as db:
            db.execute("UPDATE deploys SET received_at = ?, updated_at = ? WHERE dedup_id IN ('a', 'b')", (earlier, earlier))
        visit(driver, base + "/ui/#deploys?since=2h", "#deploy-count", "deploys-last-2-hours")
        check(len(driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")) == 3, "the last 2 hours leave out what came 3 hours ago")
        visit(driver, base + "/ui/#deploys?since=24h&environment=Production", "#deploy-count", "deploys-production-day")
        check(len(driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")) == 4, "the last day in Production: time and environment together")

        stats = json.loads(subprocess.run([BINARY, "stats", "--state", os.path.join(work, "state.db"), "--format", "json"],
                                          capture_output=True, text=True, check=True).stdout)
        visit(driver, base + "/ui/#stats", "main table tbody tr", "stats")
        cells = [[c.text for c in r.find_elements(By.TAG_NAME, "td")] for r in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")]
        cart = next(g for g in stats["groups"] if g["service"] == "shopping-cart")
        row = next(r for r in cells if r[0] == "shopping-cart")
        check(row[2] == str(cart["deploys"]) and row[3] == str(cart["failed"]), f"deploy counts match reactions stats ({row})")
        check(row[7] == f"{cart['change_failure_rate'] * 100:.1f}%", f"failure rate matches reactions stats ({row[7]})")
        check(row[8] == "1h 0m", f"time to restore matches ({row[8]}, stats says {cart['time_to_restore_seconds']})")

        visit(driver, base + "/ui/#service?name=shopping-cart", "#chart rect", "service")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#chart rect")) >= 30, "the service chart draws a bar per day")
        visit(driver, base + "/ui/#deliveries", "main table tbody tr", "deliveries")
        check("retrying" in driver.find_element(By.ID, "view").text, "the retrying delivery is listed first")
        visit(driver, base + "/ui/#suggestions", "#patch", "suggestions")
        check('"name": "mystery"' in driver.find_element(By.ID, "patch").text, "the suggestion's patch names it")
        visit(driver, base + "/ui/#revisions", "main table tbody tr", "revisions")
        check("serve --config" in driver.find_element(By.ID, "view").text, "the revision says where it came from")
        visit(driver, base + "/ui/#health", "main table tbody tr", "health")
        check("ready" in driver.find_element(By.ID, "view").text, "health shows readiness")
        # On a phone: the page fits the screen's width (tables scroll inside it).
        driver.set_window_size(390, 844)
        visit(driver, base + "/ui/#deploys", "#board .card", "phone-deploys")
        width = driver.execute_script("return document.documentElement.scrollWidth")
        check(width <= 400, f"fits a phone's width ({width}px)")
        visit(driver, base + "/ui/#stats", "main table tbody tr", "phone-stats")
        driver.set_window_size(1280, 900)
        errors = console_errors(driver)
        check(not errors, f"no console errors ({errors})")
        headers = urllib.request.urlopen(base + "/ui/").headers
        check("default-src 'self'" in (headers.get("Content-Security-Policy") or ""), "a strict Content-Security-Policy")
        proc.terminate(); proc.wait()

        # 2. Tokens configured: redeliver needs the admin scope.
        proc, base = serve(work, "127.0.0.1", {"REACTIONS_READ_TOKEN": READ, "REACTIONS_ADMIN_TOKEN": ADMIN})
        procs.append(proc)
        for token, allowed in [(READ, False), (ADMIN, True)]:
            visit(driver, base + "/ui/#deliveries", "#message", "deliveries-no-token")
            driver.find_element(By.ID, "token").send_keys(token)
            driver.find_element(By.CSS_SELECTOR, "#token-form button").click()
            WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "a.delivery"))
            driver.find_element(By.CSS_SELECTOR, "a.delivery").click()
            WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "redeliver"))
            driver.find_element(By.ID, "redeliver").click()
            time.sleep(0.5)
            text = driver.find_element(By.ID, "message").text
            driver.save_screenshot(os.path.join(SHOTS, "redeliver-" + ("admin" if allowed else "read") + ".png"))
            if allowed:
                detail = driver.find_element(By.ID, "delivery-detail")
                # Queued again at once: shown pending, or already attempted a second time.
                attempted = len(detail.find_elements(By.CSS_SELECTOR, "tbody tr"))
                check(text == "" and ("pending" in detail.text or attempted >= 2), f"redeliver works with an admin token ({text}, {attempted} attempts)")
            else:
                check("refused" in text and "403" in text, f"redeliver is refused with a read token ({text})")
            driver.execute_script("sessionStorage.clear()")
        proc.terminate(); proc.wait()

        # 3. Reachable from other machines, no token configured: nothing readable.
        proc, base = serve(work, "0.0.0.0", {})
        procs.append(proc)
        visit(driver, base + "/ui/#deploys", "#message", "non-loopback")
        check(not driver.find_elements(By.CSS_SELECTOR, "main table tbody tr"), "no deploy shown without a token off loopback")
        check("Enter an API token" in driver.find_element(By.ID, "message").text, "the page asks for a token")
        try:
            urllib.request.urlopen(base + "/api/v1/deploys")
            check(False, "the read API is closed off loopback without a token")
        except urllib.error.HTTPError as e:
            check(e.code == 404, f"the read API is closed off loopback without a token ({e.code})")
    finally:
        driver.quit()
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        shutil.rmtree(work, ignore_errors=True)
    print(f"screenshots: {SHOTS}")
    if failures:
        print(f"{len(failures)} failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
