"""Signed-in leaders on two app servers: they read their pages and save answers. Each save
is read back through the other server; an answer acknowledged but not seen there is lost.

Run by bench/load.py (`make bench-load`), which starts the servers and passes the users in
LOAD_USERS (username:draft-id:session-key,...: each signs in before the run, so the run
measures reading and saving, not 50 password hashes at once) and the second server in
LOAD_OTHER_HOST.
"""

import itertools
import json
import os
import random
import re
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

OTHER = os.environ["LOAD_OTHER_HOST"]
USERS = itertools.cycle(pair.split(":") for pair in os.environ["LOAD_USERS"].split(","))
TALLY = {"saved": 0, "acknowledged": 0, "lost": 0}


class AnswerForm(HTMLParser):
    """The answering form's fields: hidden values, and each radio group's choices."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}
        self.checked: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag != "input" or not a.get("name"):
            return
        if a.get("type") == "hidden":
            self.hidden[a["name"]] = a.get("value", "")
        elif a.get("type") == "radio":
            self.radios.setdefault(a["name"], []).append(a.get("value", ""))
            if "checked" in a:
                self.checked[a["name"]] = a.get("value", "")


def parse(html: str) -> AnswerForm:
    form = AnswerForm()
    form.feed(html)
    return form


class Leader(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.username, self.draft, session_key = next(USERS)
        self.client.cookies.set("sessionid", session_key)
        detail = self.client.get(f"/assessments/{self.draft}/", name="assessment")
        links = re.findall(rf"/assessments/{self.draft}/answer/([\w-]+)/", detail.text)
        self.dimensions = sorted(set(links))

    def server(self) -> str:
        return random.choice([self.host, OTHER])

    @task(3)
    def home(self):
        self.client.get(f"{self.server()}/", name="home")

    @task(2)
    def read_dimension(self):
        key = random.choice(self.dimensions)
        url = f"{self.server()}/assessments/{self.draft}/answer/{key}/"
        self.client.get(url, name="answering page")

    @task(2)
    def save_answers(self):
        key = random.choice(self.dimensions)
        url = f"/assessments/{self.draft}/answer/{key}/"
        page = self.client.get(f"{self.host}{url}", name="answering page")
        if not page.ok:  # counted as a failure already; posting an empty form would add one
            return
        form = parse(page.text)
        chosen = {name: random.choice(values) for name, values in form.radios.items()}
        data = form.hidden | chosen | {"csrfmiddlewaretoken": self.client.cookies["csrftoken"]}
        TALLY["saved"] += 1
        with self.client.post(
            f"{self.host}{url}",
            data,
            name="save answers",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"save not acknowledged: {response.status_code}")
                return
        TALLY["acknowledged"] += 1
        other = self.client.get(f"{OTHER}{url}", name="answering page (other server)")
        if not other.ok:  # a failure, counted as such; nothing was read to compare
            return
        seen = parse(other.text)
        if any(seen.checked.get(name) != value for name, value in chosen.items()):
            TALLY["lost"] += 1


@events.quitting.add_listener
def write_tally(environment, **kwargs):
    path = os.environ.get("LOAD_TALLY")
    if path:
        with open(path, "w") as out:
            json.dump(TALLY, out)
