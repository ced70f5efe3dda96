"""JSON for queued requests (scrapy-redis's default is pickle: loading it runs code).

Bytes (bodies, headers) become ``{"b64": ...}``; anything else must be JSON already.

>>> loads(dumps({"url": "http://x/", "body": b"\\x00a", "headers": {b"A": [b"1"]}}))
{'url': 'http://x/', 'body': b'\\x00a', 'headers': {'A': [b'1']}}
"""

from __future__ import annotations

import base64
import json
from typing import Any


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return {"b64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict):
        return {(k.decode("latin-1") if isinstance(k, bytes) else str(k)): _encode(v)
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"b64"}:
            return base64.b64decode(value["b64"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def dumps(obj: Any) -> bytes:
    """A request dict as JSON bytes."""
    return json.dumps(_encode(obj), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> Any:
    """The request dict back from :func:`dumps`."""
    return _decode(json.loads(data))
