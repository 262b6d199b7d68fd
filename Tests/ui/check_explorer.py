"""The log explorer in a real browser: Debian's headless Chromium driven by selenium against a live
Logsmith on loopback.

    python check_explorer.py --logsmith BIN [--database-url URL] [--screenshots DIR]

Signs in as a user and with an API key, searches and sees the rows and the histogram, opens a
record's fields, adds a field to the query by clicking it, follows a correlation to its story and
its Jaeger link, starts the live tail and sees a record ingested afterwards appear within 2 s,
pauses and resumes it without losing or repeating a record, shows a syntax error at its position,
opens the patterns and analytics tabs, reopens a shared address, works by keyboard, in a narrow
window and in dark mode, and finds no console error on any page. With --screenshots, saves the
README's pictures there. Run by scripts/test; every wait is bounded and the server is stopped on
every exit path.
"""

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as shown
from selenium.webdriver.support.ui import WebDriverWait

JAEGER = "http://127.0.0.1:16686"
PASSWORD = "correct horse battery staple"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Logsmith:
    """A Logsmith serving on loopback with its own data directory, and its API as the admin."""

    def __init__(self, binary, work, database_url=None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        environment = {
            "PATH": os.environ["PATH"], "LOGSMITH_BCRYPT_COST": "4", "LOGSMITH_JAEGER_URL": JAEGER,
            "LOGSMITH_METRICS_TOKEN": secrets.token_urlsafe(32), "LOGSMITH_LIMIT_SEARCH": "0",
        }
        if database_url:
            environment["LOGSMITH_DATABASE_URL"] = database_url
        self.log = Path(work, "server.log")
        self.process = subprocess.Popen(
            [binary, "serve", "--port", str(self.port), "--data-dir", f"{work}/data"],
            env=environment, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.base}/ready", timeout=5)
                break
            except OSError:
                if time.time() > deadline or self.process.poll() is not None:
                    sys.exit("Logsmith did not start:\n" + self.log.read_text())
                time.sleep(0.2)
        self.key = Path(work, "data/initial-admin-key").read_text().strip()

    def request(self, method, path, body=None):
        request = urllib.request.Request(
            f"{self.base}{path}", method=method, data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def ingest(self, records):
        answer = self.request("POST", "/api/v1/logs", records)
        assert answer["accepted"] == len(records), answer

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def record(message, service, level="INFO", seconds_ago=0.0, **fields):
    return {"message": message, "service": service, "level": level, "timestamp": time.time() - seconds_ago, **fields}


def seed(logsmith):
    """A checkout story across three services, noise from two more, and a repeated error pattern."""
    correlation, trace = f"order-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    story = [
        record("GET /checkout started", "frontend", seconds_ago=50, correlation_id=correlation, trace_id=trace,
               attributes={"http.method": "GET", "http.path": "/checkout", "http.status": 200, "duration_ms": 41}),
        record("reserving stock for ORD-998", "inventory", seconds_ago=49, correlation_id=correlation, trace_id=trace),
        record("card declined for ORD-998", "payments", "ERROR", seconds_ago=48, correlation_id=correlation,
               trace_id=trace, attributes={"user_id": 42, "region": "eu west"}),
    ]
    noise = [record(f"DB timeout after {100 + i} ms", "payments", "WARN", seconds_ago=40 - i) for i in range(20)]
    noise += [record(f"GET /health answered in {i} ms", "frontend", "DEBUG", seconds_ago=30 - i,
                     attributes={"http.method": "GET", "http.path": "/health", "http.status": 200, "duration_ms": i})
              for i in range(10)]
    batch = [record(f"batch line {i}", "batch", seconds_ago=20 - i * 0.1) for i in range(150)]
    logsmith.ingest(story + noise + batch)
    return correlation, trace


class Browser:
    """Headless Chromium with its console collected after every page."""

    def __init__(self, base):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
        self.driver.set_page_load_timeout(30)
        self.base = base
        self.wait = WebDriverWait(self.driver, 10)
        self.console_errors = []
        self.expected_failures = []

    def open(self, fragment=""):
        self.collect_console()
        self.driver.get(f"{self.base}/{fragment}")

    def expect_failed_request(self, text):
        """A network error the test provokes on purpose (a 400 for a bad query) is not a page error."""
        self.expected_failures.append(text)

    def collect_console(self):
        for entry in self.driver.get_log("browser"):
            if entry["level"] != "SEVERE":
                continue
            if entry.get("source") == "network" and any(text in entry["message"] for text in self.expected_failures):
                continue
            self.console_errors.append(entry["message"])

    def find(self, selector):
        return self.wait.until(shown.visibility_of_element_located((By.CSS_SELECTOR, selector)))

    def until(self, condition, what, seconds=10):
        try:
            return WebDriverWait(self.driver, seconds, poll_frequency=0.05).until(lambda _: condition())
        except Exception as error:
            raise AssertionError(f"not within {seconds} s: {what}") from error

    def find_in(self, element, selector):
        """An element under `element`, waiting for it: a row's fields appear after its toggle event."""
        return self.wait.until(lambda _: element.find_element(By.CSS_SELECTOR, selector))

    def rows(self):
        return [row.text for row in self.driver.find_elements(By.CSS_SELECTOR, "#results > li summary")]

    def search(self, query):
        box = self.find("#q")
        box.clear()
        box.send_keys(query, Keys.ENTER)

    def screenshot(self, directory, name, showing=None):
        if directory:
            if showing is not None:
                self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", showing)
            self.driver.save_screenshot(str(Path(directory, f"{name}.png")))


def check(browser, logsmith, screenshots):
    correlation, trace = seed(logsmith)
    logsmith.request("POST", "/api/v1/admin/users", {"username": "ada", "password": PASSWORD, "role": "viewer"})

    print("sign in as a user")
    browser.open()
    browser.find("#login-form")
    browser.screenshot(screenshots, "explorer-sign-in")
    form = browser.find("#login-form")
    form.find_element(By.NAME, "username").send_keys("ada")
    form.find_element(By.NAME, "password").send_keys(PASSWORD, Keys.ENTER)
    browser.until(lambda: "ada" in browser.find("#identity").text, "the signed-in user shown")

    print("search: rows newest first, the histogram stacked by level")
    browser.until(lambda: len(browser.rows()) == 100, "the first page of 183 records")
    assert "batch line 149" in browser.rows()[0], browser.rows()[0]
    browser.find("#more").click()
    browser.until(lambda: len(browser.rows()) == 183, "all 183 records after Load more")
    assert not browser.find("#status").text.startswith("100"), browser.find("#status").text
    assert "card declined" in " ".join(browser.rows()), browser.rows()
    assert not browser.driver.find_element(By.ID, "more").is_displayed()
    levels = {bar.get_attribute("class") for bar in browser.driver.find_elements(By.CSS_SELECTOR, "#histogram rect")}
    assert {"level-ERROR", "level-WARN", "level-INFO", "level-DEBUG"} <= levels, levels
    browser.search("service:payments level:>=warn")
    browser.until(lambda: len(browser.rows()) == 21, "21 payments warnings and errors")
    assert "#tab=search&q=service%3Apayments+level%3A%3E%3Dwarn&range=1h" in browser.driver.current_url, \
        browser.driver.current_url
    browser.screenshot(screenshots, "explorer-search")

    print("open a record's fields and add one to the query")
    declined = next(row for row in browser.driver.find_elements(By.CSS_SELECTOR, "#results > li")
                    if "card declined" in row.text)
    declined.find_element(By.TAG_NAME, "summary").click()
    fields = browser.find_in(declined, "dl.fields")
    assert correlation in fields.text and "attributes.region" in fields.text and "eu west" in fields.text, fields.text
    browser.find_in(fields, "details.json summary").click()
    shown_json = json.loads(browser.find_in(fields, "details.json pre").text)
    assert shown_json["attributes"] == {"user_id": 42, "region": "eu west"}, shown_json
    browser.screenshot(screenshots, "explorer-record", showing=fields)
    fields.find_element(By.XPATH, ".//button[text()='eu west']").click()
    browser.until(lambda: browser.find("#q").get_attribute("value").endswith('attributes.region:"eu west"'),
                  "the clicked value added to the query")
    browser.until(lambda: len(browser.rows()) == 1, "only the record with that attribute")

    print("follow the correlation to its story and its Jaeger link")
    row = browser.find("#results > li")
    row.find_element(By.TAG_NAME, "summary").click()
    browser.find_in(row, "button.story").click()
    browser.until(lambda: "3 records across 3 services" in browser.find("#story-summary").text, "the story")
    lanes = {lane.text for lane in browser.driver.find_elements(By.CSS_SELECTOR, "#story-timeline text.lane")}
    assert lanes == {"frontend", "inventory", "payments"}, lanes
    assert len(browser.driver.find_elements(By.CSS_SELECTOR, "#story-timeline circle")) == 3
    link = browser.find("#jaeger-link").get_attribute("href")
    assert link == f"{JAEGER}/trace/{trace}", link
    browser.screenshot(screenshots, "explorer-story")
    browser.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    browser.until(lambda: browser.driver.find_element(By.ID, "view-search").is_displayed(), "Escape closes the story")

    print("live tail: a record ingested afterwards appears within 2 s; pause and resume lose nothing")
    browser.search("service:tailtest")
    browser.until(lambda: "No records" in browser.find("#status").text, "an empty result")
    browser.find("#live").click()
    browser.until(lambda: "Live" in browser.find("#status").text, "the tail started")
    time.sleep(0.5)
    logsmith.ingest([record("first live record", "tailtest")])
    started = time.time()
    browser.until(lambda: any("first live record" in row for row in browser.rows()), "the live record", seconds=2)
    print(f"  shown {time.time() - started:.2f} s after its ingest was acknowledged")
    browser.find("#pause").click()
    logsmith.ingest([record("sent while paused", "tailtest")])
    browser.find("#pause").click()
    logsmith.ingest([record("sent after resuming", "tailtest")])
    browser.until(lambda: any("sent after resuming" in row for row in browser.rows()), "the record after resuming")
    browser.until(lambda: any("sent while paused" in row for row in browser.rows()), "the record sent while paused")
    assert len(browser.rows()) == 3, browser.rows()
    browser.screenshot(screenshots, "explorer-live")
    browser.find("#live").click()

    print("a syntax error shown at its position")
    browser.expect_failed_request("/api/v1/logs?q=service%3Apayments+%28level%3Aerror")
    browser.expect_failed_request("/api/v1/analytics/histogram?q=service%3Apayments+%28level%3Aerror")
    query = "service:payments (level:error"
    try:
        logsmith.request("GET", "/api/v1/logs?" + urllib.parse.urlencode({"q": query}))
        raise AssertionError("the API accepted a bad query")
    except urllib.error.HTTPError as refusal:
        reported = json.loads(refusal.read())["errors"][0]
    browser.search(query)
    error = browser.until(lambda: browser.find("#query-error").text, "the syntax error")
    assert error.splitlines() == [query, " " * reported["position"] + "^ " + reported["reason"]], (error, reported)
    assert browser.find("#q").get_attribute("aria-invalid") == "true"
    browser.screenshot(screenshots, "explorer-syntax-error")

    print("patterns and analytics tabs")
    browser.open("#tab=patterns&range=1h")
    browser.until(lambda: "DB timeout after <*> ms" in browser.find("#patterns").text, "the timeout pattern")
    browser.screenshot(screenshots, "explorer-patterns")
    timeout_row = next(row for row in browser.driver.find_elements(By.CSS_SELECTOR, "#patterns tbody tr")
                       if "DB timeout" in row.text)
    assert timeout_row.find_elements(By.CSS_SELECTOR, "td")[1].text == "20", timeout_row.text
    timeout_row.find_element(By.TAG_NAME, "button").click()
    browser.until(lambda: len(browser.rows()) == 20 and browser.find("#q").get_attribute("value").startswith("pattern:"),
                  "the pattern's 20 lines")
    browser.open("#tab=analytics&range=1h")
    browser.until(lambda: "are errors" in browser.find("#error-rate-caption").text, "the error rate")
    browser.until(lambda: "/checkout" in browser.find("#endpoints").text, "the endpoints table")
    browser.screenshot(screenshots, "explorer-analytics")

    print("dragging across the histogram zooms into that range")
    browser.open("#tab=search&q=service%3Abatch&range=15m")
    browser.until(lambda: len(browser.rows()) == 100, "the batch records")
    histogram = browser.find("#histogram")
    width = histogram.size["width"]
    ActionChains(browser.driver).move_to_element_with_offset(histogram, width // 2 - 2, 0).click_and_hold() \
        .move_by_offset(-width // 4, 0).release().perform()
    browser.until(lambda: "range=custom" in browser.driver.current_url, "a custom range in the address")
    assert browser.find("#range").get_attribute("value") == "custom"
    assert browser.find("#zoom-out").is_displayed()
    fields = dict(pair.split("=", 1) for pair in browser.driver.current_url.split("#", 1)[1].split("&"))
    start, end = (time.mktime(time.strptime(urllib.parse.unquote(fields[name])[:19], "%Y-%m-%dT%H:%M:%S"))
                  for name in ("start", "end"))
    assert 150 < end - start < 300, (start, end)

    print("a shared address opens the same view; the keyboard reaches the query bar")
    browser.open("#tab=search&q=service%3Ainventory&range=6h")
    browser.until(lambda: len(browser.rows()) == 1, "the inventory record")
    assert browser.find("#range").get_attribute("value") == "6h"
    browser.driver.find_element(By.TAG_NAME, "body").send_keys("/")
    focused = browser.driver.switch_to.active_element
    assert focused.get_attribute("id") == "q", focused.get_attribute("id")
    focused.send_keys(Keys.CONTROL, "a")
    focused.send_keys("service:frontend", Keys.ENTER)
    browser.until(lambda: len(browser.rows()) == 11, "the frontend records")

    print("narrow window and dark mode")
    browser.driver.set_window_size(400, 800)
    overflow = browser.driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{overflow} px of horizontal scrolling at 400 px wide"
    browser.driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    background = browser.driver.execute_script("return getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(21, 24, 28)", background
    browser.screenshot(screenshots, "explorer-narrow-dark")
    browser.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    browser.driver.set_window_size(1280, 900)

    print("sign out, sign in with an API key")
    browser.find("#sign-out").click()
    browser.find("#key-form").find_element(By.NAME, "key").send_keys(logsmith.key, Keys.ENTER)
    browser.until(lambda: "tenant default" in browser.find("#identity").text, "signed in by key")
    browser.until(lambda: len(browser.rows()) == 11, "the same query's records")

    browser.collect_console()
    assert not browser.console_errors, "console errors:\n" + "\n".join(browser.console_errors)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--logsmith", required=True)
    parser.add_argument("--database-url", help="an empty PostgreSQL database; SQLite when not given")
    parser.add_argument("--screenshots", help="a directory to save the README's screenshots in")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        logsmith = Logsmith(arguments.logsmith, work, arguments.database_url)
        browser = None
        try:
            browser = Browser(logsmith.base)
            check(browser, logsmith, arguments.screenshots)
            print("the explorer works in Chromium")
        finally:
            if browser:
                browser.driver.quit()
            logsmith.stop()


if __name__ == "__main__":
    main()
