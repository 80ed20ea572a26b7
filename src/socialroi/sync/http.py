"""The one HTTP client of every connector: limits, retries, size bounds and redaction.

- 429, 5xx, timeouts and dropped connections are retried `max_attempts` times in all, with
  exponential backoff and full jitter (`backoff * 2**n`, capped at `max_backoff`);
- a `Retry-After` (seconds or an HTTP date; on a 429 without it, X's `x-rate-limit-reset`
  Unix time) is honoured when it is within `max_wait`; a
  longer one ends the stream with a clear error instead of hanging a cron job for hours;
- Meta's `X-Business-Use-Case-Usage` / `X-App-Usage` headers: a usage of 95% or more, or an
  `estimated_time_to_regain_access`, pauses before the next call; Meta's throttling error
  codes (4, 17, 32, 613, 80000-80014) are retried like a 429;
- Google's `RESOURCE_EXHAUSTED` quota errors are retried like a 429, also when a streamed
  answer (a JSON array of batches) ends in one, after the `retryDelay` Google Ads names in
  its `QuotaErrorDetails` (bounded like a `Retry-After`); so are the 403s whose
  `errors[].reason` is a short-term limit (`rateLimitExceeded`, `userRateLimitExceeded`:
  YouTube); a used-up daily quota (`quotaExceeded`, `dailyLimitExceeded`) is not retried but
  named, with when it comes back;
- 401 and Meta's code 190 mean the grant is gone: `GrantExpired`, never retried; except
  that a connection that can renew its token (`renew`, set by the sync for refresh-token
  grants) renews it once on a 401 and sends the call again (a Salesforce session ends by
  inactivity timeout, not at a stated expiry, so it can end in the middle of a stream);
- a response body larger than `max_bytes` is refused while it is read (never held whole);
- tokens never appear in errors: URLs are shown without their query.
"""

from __future__ import annotations

import email.utils
import json
import random
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from socialroi.errors import GrantExpired, SyncFailed

META_THROTTLE_CODES = {4, 17, 32, 613} | set(range(80000, 80015))
META_TOKEN_CODES = {190, 102}
RETRY_STATUS = {429, 500, 502, 503, 504}
GOOGLE_RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
GOOGLE_QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded"}


@dataclass
class Limits:
    max_attempts: int = 5  # tries of one request in all
    backoff: float = 1.0  # seconds before the first retry (doubled each time, with jitter)
    max_backoff: float = 60.0
    max_wait: float = 900.0  # the longest Retry-After / regain-access pause honoured
    max_bytes: int = 64 * 1024 * 1024  # one response body
    timeout: float = 60.0


class Api:
    """Requests to one source's API. `client` is injected (tests pass their own transport);
    `sleep` too, so tests of backoff do not wait."""

    def __init__(
        self,
        source: str,
        base: str,
        *,
        client: httpx.Client | None = None,
        limits: Limits | None = None,
        sleep: Callable[[float], None] = time.sleep,
        headers: Mapping[str, str] | None = None,
        hosts: tuple[str, ...] = (),
        envelope: Callable[[int, Any], str | None] | None = None,
    ) -> None:
        self.source = source
        self.base = base.rstrip("/")
        self.hosts = tuple(re.compile(h, re.IGNORECASE) for h in hosts)
        self.limits = limits or Limits()
        self.client = client or httpx.Client(timeout=self.limits.timeout)
        self.sleep = sleep
        self.headers = dict(headers or {})
        self.envelope = envelope  # `Connector.envelope`: errors in the body of an HTTP 200
        self.stream = ""  # set by the runner: named in errors
        # Per-request headers for APIs that sign each request (OAuth 1.0a: `sync.oauth1`):
        # sign(method, url, params) -> headers, called again for every retry (a new nonce).
        self.sign: Callable[[str, str, Mapping[str, Any] | None], dict[str, str]] | None = None
        # On a 401: renew the access token (updating `headers`) and say whether the call may
        # be sent again; once per call (`sync.auth.renewer`). None: a 401 ends the stream.
        self.renew: Callable[[], bool] | None = None
        self.waited = 0.0  # seconds spent waiting on limits (reported in the summary)
        self.requests = 0

    # -- URLs ----------------------------------------------------------------------------
    def url(self, path_or_url: str) -> str:
        """A path under the base, or an absolute URL a page gave (`paging.next`): its scheme
        and host are replaced by the base's, unless it is an https URL on one of the
        platform's own `hosts` (never another host: the token must not leave the platform)."""
        if path_or_url.startswith(("http://", "https://")):
            parts = urlsplit(path_or_url)
            if parts.scheme == "https" and any(
                h.fullmatch(parts.hostname or "") for h in self.hosts
            ):
                return path_or_url
            rest = parts.path + (f"?{parts.query}" if parts.query else "")
            return self.base + rest
        return self.base + "/" + path_or_url.lstrip("/")

    def fail(self, where: str, problem: str, hint: str | None = None) -> SyncFailed:
        return SyncFailed(self.source, self.stream or "connection", where, problem, hint=hint)

    # -- requests ------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        where: str,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        jsonl: bool = False,
        bare: bool = False,
        raw: bool = False,
    ) -> Any:
        """Send, retrying what is transient, and return the decoded JSON body (`jsonl`: a
        body of JSON lines, e.g. a bulk export, as the list of its decoded lines)."""
        url = self.url(path_or_url)
        shown = redact(url)
        # `bare`: without the connection's headers (a signed download URL needs no token)
        hdrs = {**({} if bare else self.headers), **(headers or {})}
        lim = self.limits
        last = ""
        renewed = wait = False  # a 401 renewed the token (once a call): try again at once
        for attempt in range(lim.max_attempts):
            if attempt and wait:
                self._backoff(attempt, last, shown, where)
            wait = True
            self.requests += 1
            signed = hdrs
            if self.sign is not None and not bare:
                signed = {**hdrs, **self.sign(method, url, {**(params or {}), **(data or {})})}
            try:
                with self.client.stream(
                    method, url, params=params, data=data, json=json_body, headers=signed
                ) as resp:
                    body = self._read(resp, where, shown)
                    status, rh = resp.status_code, resp.headers
            except httpx.TimeoutException:
                last = "the request timed out"
                self._retry_after = None
                continue
            except httpx.TransportError as exc:
                last = f"the connection failed ({type(exc).__name__})"
                self._retry_after = None
                continue
            self._usage_pause(rh, where)
            if jsonl and 200 <= status < 300:
                return self._lines(body, where, shown)
            if raw and 200 <= status < 300:  # a CSV download: the bytes and the headers
                return body, {k.lower(): v for k, v in rh.items()}
            decoded = _decode(body)
            verdict = self._verdict(status, rh, decoded)
            if verdict == "ok":
                if decoded is _UNDECODABLE:
                    raise self.fail(
                        where,
                        f"the response of {shown} is not JSON",
                        "The API (or a proxy set by the base-URL variable) answered with "
                        "something else.",
                    )
                return decoded
            if verdict == "grant":
                if status == 401 and not (renewed or bare) and self.renew and self.renew():
                    hdrs, renewed, wait = {**self.headers, **(headers or {})}, True, False
                    continue
                raise GrantExpired(self.source, _error_text(decoded))
            if verdict == "retry":
                if self._retry_after is None:  # Google Ads says how long in the error body
                    self._retry_after = _retry_delay(decoded)
                last = f"HTTP {status}" + (f" ({_error_text(decoded)})" if decoded else "")
                continue
            hint = (
                "The project's daily API quota is used up; it comes back at midnight Pacific "
                "Time (Google Cloud Console > APIs > Quotas shows it)."
                if google_reasons(decoded) & GOOGLE_QUOTA_REASONS
                else None
            )
            raise self.fail(where, f"{shown} answered HTTP {status}: {_error_text(decoded)}", hint)
        raise self.fail(
            where,
            f"{shown} still failed after {lim.max_attempts} tries: {last}",
            "The platform is unavailable or limiting this app; run the sync again later.",
        )

    _retry_after: float | None = None

    def _lines(self, body: bytes, where: str, shown: str) -> list[Any]:
        out = []
        for n, line in enumerate(body.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except ValueError:
                raise self.fail(where, f"line {n} of {shown} is not JSON") from None
        return out

    def _read(self, resp: httpx.Response, where: str, shown: str) -> bytes:
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.limits.max_bytes:
            raise self.fail(where, f"the response of {shown} is larger than the limit")
        chunks, size = [], 0
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > self.limits.max_bytes:
                raise self.fail(
                    where,
                    f"the response of {shown} is larger than "
                    f"{self.limits.max_bytes // (1024 * 1024)} MB",
                    "Sync a shorter period (--since/--until).",
                )
            chunks.append(chunk)
        self._retry_after = retry_after(resp.headers.get("retry-after"))
        if self._retry_after is None and resp.status_code == 429:
            self._retry_after = rate_limit_reset(resp.headers.get("x-rate-limit-reset"))
        return b"".join(chunks)

    def _verdict(self, status: int, headers: httpx.Headers, decoded: Any) -> str:
        decoded = _stream_error(decoded)
        if self.envelope is not None and decoded is not _UNDECODABLE:
            got = self.envelope(status, decoded)
            if got is not None:
                return got
        err = decoded.get("error") if isinstance(decoded, dict) else None
        code = err.get("code") if isinstance(err, dict) else None
        if status == 401 or (isinstance(code, int) and code in META_TOKEN_CODES):
            return "grant"
        if 200 <= status < 300 and err is None:
            return "ok"
        if status in RETRY_STATUS:
            return "retry"
        if isinstance(code, int) and code in META_THROTTLE_CODES:
            return "retry"
        if isinstance(err, dict) and (err.get("is_transient") is True):
            return "retry"
        if isinstance(err, dict) and err.get("status") == "RESOURCE_EXHAUSTED":
            return "retry"  # Google APIs' quota error
        if status == 403 and google_reasons(decoded) & GOOGLE_RATE_REASONS:
            return "retry"  # YouTube's short-term rate limits
        if 200 <= status < 300:
            return "fail"
        return "fail"

    def _backoff(self, attempt: int, last: str, shown: str, where: str) -> None:
        lim = self.limits
        wait = self._retry_after
        if wait is not None and wait > lim.max_wait:
            raise self.fail(
                where,
                f"{shown} asks to wait {int(wait)} s before the next call ({last})",
                "The platform's rate limit for this app is used up; run the sync again later.",
            )
        if wait is None:
            wait = random.uniform(0, min(lim.max_backoff, lim.backoff * 2 ** (attempt - 1)))  # noqa: S311
        self.pause(wait)

    def pause(self, seconds: float) -> None:
        if seconds > 0:
            self.waited += seconds
            self.sleep(seconds)

    def _usage_pause(self, headers: httpx.Headers, where: str) -> None:
        """Meta reports how much of the app's and the business's budget is used."""
        regain, top = meta_usage(headers)
        if regain:
            if regain > self.limits.max_wait:
                raise self.fail(
                    where,
                    f"Meta blocks this app's calls for {int(regain)} s "
                    "(X-Business-Use-Case-Usage estimated_time_to_regain_access)",
                    "Run the sync again later.",
                )
            self.pause(regain)
        elif top >= 95:
            self.pause(min(self.limits.max_backoff, 10.0))


_UNDECODABLE = object()


def _decode(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return _UNDECODABLE


def _stream_error(decoded: Any) -> Any:
    """A streamed answer (a JSON array of batches, Google's REST server streaming such as
    Google Ads' searchStream) that ends in an `{"error": ...}` object broke off with that
    error: it is judged as that error (a quota error is retried, the call asked again whole)."""
    if isinstance(decoded, list) and decoded:
        last = decoded[-1]
        if isinstance(last, dict) and isinstance(last.get("error"), dict):
            return last
    return decoded


def _retry_delay(decoded: Any) -> float | None:
    """Seconds a Google Ads quota error asks to wait: `QuotaErrorDetails.retry_delay` of its
    `GoogleAdsFailure` (`{"details": [{"errors": [{"details": {"quotaErrorDetails":
    {"retryDelay": "30s"}}}]}]}`), else None."""
    err = _stream_error(decoded)
    err = err.get("error") if isinstance(err, dict) else None
    for detail in (err.get("details") if isinstance(err, dict) else None) or []:
        for e in (detail.get("errors") if isinstance(detail, dict) else None) or []:
            got = e.get("details", {}).get("quotaErrorDetails", {}) if isinstance(e, dict) else {}
            delay = got.get("retryDelay") if isinstance(got, dict) else None
            if isinstance(delay, str) and re.fullmatch(r"\d{1,7}(\.\d+)?s", delay):
                return float(delay[:-1])
    return None


def _error_text(decoded: Any) -> str:
    """The platform's own error message, bounded (it is untrusted text)."""
    decoded = _stream_error(decoded)
    if isinstance(decoded, dict):
        err = decoded.get("error") or decoded.get("errors") or decoded.get("message")
        if isinstance(err, dict):
            msg = err.get("message") or err.get("status") or ""
            code = err.get("code")
            text = f"{msg} (code {code})" if code is not None else str(msg)
        elif isinstance(err, list) and err:
            text = str(err[0].get("message", err[0]) if isinstance(err[0], dict) else err[0])
        else:
            text = str(err or "")
            code = decoded.get("code")  # an envelope's own code (TikTok: 40100, ...)
            if text and isinstance(code, int) and not isinstance(code, bool) and code:
                text = f"{text} (code {code})"
        return " ".join(text.split())[:200]
    return ""


def google_reasons(decoded: Any) -> set[str]:
    """The `error.errors[].reason` codes of a Google API error (YouTube's quota errors)."""
    err = decoded.get("error") if isinstance(decoded, dict) else None
    items = err.get("errors") if isinstance(err, dict) else None
    if not isinstance(items, list):
        return set()
    return {str(e["reason"]) for e in items if isinstance(e, dict) and "reason" in e}


def retry_after(value: str | None) -> float | None:
    """Seconds of a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.replace(".", "", 1).isdigit():
        return max(0.0, float(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def rate_limit_reset(value: str | None) -> float | None:
    """Seconds until `x-rate-limit-reset` (a Unix time; X sends it, not Retry-After, with a
    429)."""
    if not value or not value.strip().isdigit():
        return None
    return max(0.0, int(value.strip()) - time.time())


def meta_usage(headers: httpx.Headers) -> tuple[float, float]:
    """(seconds until access is regained, highest usage percentage) from Meta's headers."""
    regain, top = 0.0, 0.0
    for name in ("x-business-use-case-usage", "x-app-usage", "x-ad-account-usage"):
        raw = headers.get(name)
        if not raw:
            continue
        try:
            got = json.loads(raw)
        except ValueError:
            continue
        entries: list[Any] = []
        if isinstance(got, dict) and name == "x-business-use-case-usage":
            for v in got.values():
                entries += v if isinstance(v, list) else [v]
        else:
            entries = [got]
        for e in entries:
            if not isinstance(e, dict):
                continue
            for k in ("call_count", "total_cputime", "total_time", "acc_id_util_pct"):
                v = e.get(k)
                if isinstance(v, int | float):
                    top = max(top, float(v))
            minutes = e.get("estimated_time_to_regain_access")
            if isinstance(minutes, int | float) and minutes > 0:
                regain = max(regain, float(minutes) * 60)
    return regain, top


def redact(url: str) -> str:
    """A URL fit for an error message: no query (tokens travel there on some APIs)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
