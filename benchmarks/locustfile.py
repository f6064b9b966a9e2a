"""Who uses the app at once, for Locust: directors and technicians signed in, citizens
on the public pages. `benchmarks/users.py` (`make bench`) runs it on the production
server and prints the figures; by hand:

    PLIS_BENCH_MIX=var/bench-users.json locust -f benchmarks/locustfile.py --headless \
        -u 20 -r 20 -t 90s --host http://127.0.0.1:8000 DirectorUser TechnicianUser

Each signed-in user first signs in through /entrar/ as a browser does (the form, its
CSRF token, the POST), then clicks through its mix with a short pause between clicks.
The public visitors click with no pause: their figure is how many pages the server
answers. The figures count from the moment every user has signed in (the sign-ins, a
slow password hash each, are not browsing) for PLIS_BENCH_SECONDS seconds, then the
run stops. The mixes (paths, with the ids of the bench's data) come from the JSON file
PLIS_BENCH_MIX names, written by `benchmarks/users.py`; without it, the paths below
that need no id.
"""

import itertools
import json
import os
import random
import re
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, constant, events, task

DEFAULT_MIX = {
    "director": ["/", "/quadre/", "/quadre/cartes/", "/quadre/plis/", "/pla-de-mandat/"],
    "technician": ["/", "/pla-de-mandat/els-meus/", "/pla-de-mandat/", "/plis/accions/"],
    "public": ["/", "/publicat/", "/publicat/plis/"],
    "usernames": {"director": ["director", "publicacio"], "technician": ["tecnic", "tecnic2"]},
    "password": "demo",
}
MIX = (
    json.loads(Path(os.environ["PLIS_BENCH_MIX"]).read_text(encoding="utf-8"))
    if os.environ.get("PLIS_BENCH_MIX")
    else DEFAULT_MIX
)
MEASURED_SECONDS = float(os.environ.get("PLIS_BENCH_SECONDS", "40"))
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class LoopbackCookies(DefaultCookiePolicy):
    """The app marks its session and CSRF cookies Secure, for the TLS proxy production
    has in front; the bench speaks plain HTTP on the loopback, so they are sent anyway."""

    def return_ok_secure(self, cookie, request):
        return True


class Window:
    """The measured window: it opens (the figures start from zero) once every user has
    started browsing, and the run stops MEASURED_SECONDS later."""

    started = 0

    @classmethod
    def user_ready(cls, environment) -> None:
        cls.started += 1
        if cls.started == environment.runner.target_user_count:
            environment.stats.reset_all()
            gevent.spawn_later(MEASURED_SECONDS, environment.runner.quit)


@events.test_start.add_listener
def _new_window(environment, **kwargs):
    Window.started = 0


class SignedInUser(FastHttpUser):
    abstract = True
    mix = ""
    # A click every fifth of a second on average, as someone who knows where to go.
    wait_time = between(0.05, 0.35)
    _usernames: itertools.cycle

    def on_start(self):
        self.paths = MIX[self.mix]
        self.client.cookiejar.set_policy(LoopbackCookies())
        if self.sign_in(next(self._usernames)):
            Window.user_ready(self.environment)
        else:
            # Without every user the figures would mean nothing: the run stops, and says
            # so in its exit status.
            self.environment.process_exit_code = 2
            self.environment.runner.quit()

    def sign_in(self, username: str) -> bool:
        with self.client.get("/entrar/", name="/entrar/ (form)", catch_response=True) as form:
            token = CSRF_TOKEN.search(form.text or "")
            if form.status_code != 200 or token is None:
                form.failure(f"/entrar/ answered {form.status_code} without a CSRF token")
                return False
        with self.client.post(
            "/entrar/",
            name="/entrar/ (sign in)",
            data=urlencode(
                {
                    "username": username,
                    "password": MIX["password"],
                    "csrfmiddlewaretoken": token.group(1),
                }
            ),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.host,
                "Referer": f"{self.host}/entrar/",
            },
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            # Signed in, the form sends the browser on with a redirect; a refusal shows
            # the form again (200).
            if answer.status_code != 302:
                answer.failure(f"{username} could not sign in: {answer.status_code}")
                return False
        return True

    @task
    def click(self):
        self.client.get(random.choice(self.paths))


class DirectorUser(SignedInUser):
    """Directors and publication staff: the dashboards, lists, details, the Balanç."""

    mix = "director"
    _usernames = itertools.cycle(MIX["usernames"]["director"])


class TechnicianUser(SignedInUser):
    """Technicians: their commitments, the plan and the charters, the PLIS actions."""

    mix = "technician"
    _usernames = itertools.cycle(MIX["usernames"]["technician"])


class PublicVisitor(FastHttpUser):
    """Citizens, not signed in: the public home, what was published, the PLIS bodies."""

    wait_time = constant(0)

    def on_start(self):
        self.paths = MIX["public"]
        Window.user_ready(self.environment)

    @task
    def click(self):
        self.client.get(random.choice(self.paths))
