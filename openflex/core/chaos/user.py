"""A scripted user of the harness: real HTTP to gunicorn, a real login, cookies and CSRF.

Every response is recorded (``Response``) with what the request asked for, so that the
checks can tell a 5xx whose action was nevertheless saved from one that changed nothing.
"""

import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar


@dataclass(frozen=True)
class Response:
    scenario: str
    user: str
    action: str  # "login", "submit", "validate", "follow_up", "tradein"
    target: str  # the order's pk, the follow-up's or the trade-in's token
    status: int  # 0: no HTTP answer at all (connection refused, timeout)
    at: float
    seconds: float


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect is an answer: the user reads its status


@dataclass
class HttpUser:
    base_url: str
    email: str
    password: str
    record: list = field(default_factory=list)
    scenario: str = ""
    timeout: float = 60

    def __post_init__(self):
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def _csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, path: str, data: dict | None = None) -> int:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self._csrf()}).encode()
        req = urllib.request.Request(  # noqa: S310 — the harness's own gunicorn
            self.base_url + path,
            data=body,
            headers={"Referer": self.base_url + path},
        )
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                response.read()
                return response.status
        except urllib.error.HTTPError as exc:
            exc.read()
            return exc.code
        except OSError:
            return 0

    def act(self, action: str, target: str, path: str, data: dict | None = None) -> int:
        started = time.time()
        status = self.request(path, data)
        self.record.append(
            Response(
                scenario=self.scenario,
                user=self.email,
                action=action,
                target=target,
                status=status,
                at=started,
                seconds=round(time.time() - started, 3),
            )
        )
        return status

    def login(self) -> bool:
        self.request("/connexion/")
        status = self.act(
            "login",
            self.email,
            "/connexion/",
            {"username": self.email, "password": self.password},
        )
        return status == 302
