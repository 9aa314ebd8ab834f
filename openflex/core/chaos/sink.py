"""The harness's SMTP sink: a minimal local SMTP server (asyncio, in a thread) that
records every message it accepts.

Each message is recorded (Message-ID, subject, the chaos token found in it, time) as soon
as its DATA is complete, then the sink waits 20-50 ms before answering "250": a worker
killed in that window has delivered the message without learning it, which is exactly
the crash inside an SMTP exchange that the product must resend with the same Message-ID.
It speaks what Django's SMTP backend uses (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT).
"""

import asyncio
import json
import random
import re
import threading
import time
from dataclasses import asdict, dataclass
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

TOKEN = re.compile(r"CHAOS-[0-9a-f]{12}")


@dataclass(frozen=True)
class Received:
    message_id: str
    subject: str
    token: str
    to: str
    at: float


def _text(value) -> str:
    return str(make_header(decode_header(value))) if value else ""


def parse(content: bytes, recipients: list[str]) -> Received:
    message = message_from_bytes(content)
    subject = _text(message["Subject"])
    found = TOKEN.search(subject) or TOKEN.search(content.decode("utf-8", "replace"))
    return Received(
        message_id=(message["Message-ID"] or "").strip(),
        subject=subject,
        token=found.group(0) if found else "",
        to=",".join(recipients),
        at=time.time(),
    )


class SmtpSink:
    """``start()`` / ``stop()``; ``messages()`` is a copy of what was received so far."""

    def __init__(self, *, port: int, log_path: Path, delay=(0.02, 0.05)):
        self.port = port
        self.delay = delay
        self.log_path = log_path
        self.open_connections = 0  # written by the sink's thread only
        self.replying = 0
        self._lock = threading.Lock()
        self._messages: list[Received] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="sink")
        self._server = None

    def start(self) -> None:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._session, "127.0.0.1", self.port), self._loop
        ).result(10)

    def stop(self) -> None:
        if self._server is not None:
            self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def record(self, received: Received) -> None:
        with self._lock:
            self._messages.append(received)
            with self.log_path.open("a") as out:
                out.write(json.dumps(asdict(received)) + "\n")

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    def busy(self) -> bool:
        """An SMTP exchange is under way (a connection open, or a reply pending)."""
        return self.open_connections > 0 or self.replying > 0

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.open_connections += 1
        recipients: list[str] = []

        async def reply(line: str) -> None:
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        try:
            await reply("220 chaos-sink ESMTP")
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb == b"EHLO":
                    await reply("250-chaos-sink\r\n250 8BITMIME")
                elif verb in (b"MAIL", b"RSET"):
                    recipients = []
                    await reply("250 OK")
                elif verb == b"RCPT":
                    recipients.append(line.decode().partition(":")[2].strip().strip("<>"))
                    await reply("250 OK")
                elif verb == b"DATA":
                    await reply("354 End data with <CR><LF>.<CR><LF>")
                    await self._data(reader, recipients, reply)
                elif verb == b"QUIT":
                    await reply("221 Bye")
                    break
                else:  # HELO, NOOP
                    await reply("250 OK")
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client died (a killed worker): what it sent is already recorded
        finally:
            self.open_connections -= 1
            writer.close()

    async def _data(self, reader, recipients, reply) -> None:
        lines = []
        while (line := await reader.readline()) not in (b".\r\n", b".\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        if line == b"":
            return  # cut in the middle of DATA: never accepted
        self.record(parse(b"".join(lines), recipients))
        self.replying += 1
        try:
            await asyncio.sleep(random.uniform(*self.delay))  # noqa: S311 — timing only
        finally:
            self.replying -= 1
        await reply("250 Message accepted for delivery")
