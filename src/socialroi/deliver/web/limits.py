"""The request-body size limit, enforced while the body is read: a declared length over the
limit is refused before anything is read, and a body that goes on past it (chunked, or
lying about its length) stops at the first chunk over the limit. Nothing is read whole into
memory: Starlette spools multipart files to disk as they arrive."""

from __future__ import annotations

from socialroi.deliver.web import problems

UPLOAD_PATHS = ("/data/upload", "/api/v1/imports")
UPLOAD_BYTES = 512 * 1024 * 1024  # one upload request
OTHER_BYTES = 4 * 1024 * 1024  # any other request (forms, JSON, profiles)


class BodyTooLarge(Exception):  # noqa: N818 - named for what happened
    """The request body is larger than its limit (HTTP 413). Not a SocialroiError: it must
    reach `BodyLimit` rather than the app's 400 handler."""


class BodyLimit:
    """ASGI middleware: HTTP 413 for a request body over its limit."""

    def __init__(self, app, upload_bytes: int = UPLOAD_BYTES, other_bytes: int = OTHER_BYTES):
        self.app = app
        self.upload_bytes = upload_bytes
        self.other_bytes = other_bytes

    def limit(self, path: str) -> int:
        return self.upload_bytes if path in UPLOAD_PATHS else self.other_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit(scope.get("path", ""))
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await _refuse(send, limit)
        seen = 0
        started = False

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(_message(limit))
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _refuse(send, limit)


def _message(limit: int) -> str:
    return (
        f"the request is larger than {limit / 1024 / 1024:.0f} MB; "
        "import large files with `socialroi import`"
    )


async def _refuse(send, limit: int) -> None:
    body = problems.encoded(413, "payload_too_large", _message(limit))
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", problems.MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
