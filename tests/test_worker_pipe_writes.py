"""Calls to a worker written by the submitting thread, pages beside the pickle (#11).

A call is written to the child's pipe by ``submit`` itself when nothing waits before it and
the pipe has room; the rest of a call the pipe could not take, and the calls after it, go
through the sending thread, in order. A ``pickle.PickleBuffer`` argument (a page's bytes)
travels beside the call's pickle, not copied into it.
"""

from __future__ import annotations

import io
import os
import pickle
import random
import threading

from newscrawler.extract import workerproc
from newscrawler.extract.workerproc import WorkerProcesses, _after, _message, _read


def test_what_is_left_after_a_partial_write_is_the_rest_of_the_bytes() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        parts: list[bytes | memoryview] = [
            bytes(rng.randrange(256) for _ in range(rng.randrange(0, 40)))
            for _ in range(rng.randrange(1, 5))]
        if rng.random() < 0.5:
            parts[-1] = memoryview(parts[-1])
        whole = b"".join(parts)
        written = rng.randrange(0, len(whole) + 1)
        left = _after(parts, written)
        assert b"".join(left) == whole[written:]  # the plain form: slicing the joined bytes
        assert all(len(part) for part in left)


def test_a_page_travels_beside_the_pickle_and_arrives_whole() -> None:
    page = os.urandom(200_000)
    parts = _message((1, len, (pickle.PickleBuffer(page), "x")))
    assert len(parts) == 3 and len(parts[1]) < 200 and bytes(parts[2]) == page
    task, fn, (body, label) = _read(io.BytesIO(b"".join(parts)))
    assert (task, fn, body, label) == (1, len, page, "x") and type(body) is bytes
    plain = _read(io.BytesIO(b"".join(_message((2, len, (page,))))))  # no buffer: inside
    assert plain == (2, len, (page,))


def test_calls_beyond_what_the_pipe_holds_are_all_sent_in_order() -> None:
    pool = WorkerProcesses(1)
    sizes = [300_000 + n for n in range(40)]  # ~12 MB: the pipe (1 MiB) fills up
    try:
        calls = [pool.submit(len, pickle.PickleBuffer(os.urandom(size))) for size in sizes]
        assert [call.result(timeout=60) for call in calls] == sizes
        (worker,) = pool._workers
        assert worker.queued == 0
    finally:
        pool.shutdown()


def test_calls_from_several_threads_each_reach_the_worker_whole() -> None:
    pool = WorkerProcesses(1)
    results: dict[int, int] = {}

    def submit(n: int) -> None:
        for k in range(15):
            size = 100_000 + 1000 * n + k
            results[size] = pool.submit(len, pickle.PickleBuffer(bytes(size))).result(
                timeout=60)

    try:
        threads = [threading.Thread(target=submit, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(results) == 60 and all(size == got for size, got in results.items())
    finally:
        pool.shutdown()


def test_the_message_head_says_how_many_buffers_follow() -> None:
    head, data, *views = _message(("a", pickle.PickleBuffer(b"xyz"), pickle.PickleBuffer(b"")))
    size, count = workerproc._HEAD.unpack_from(head)
    assert size == len(data) and count == len(views) == 2


def test_a_full_pipe_numbered_past_1024_is_waited_on_and_written_whole() -> None:
    """A crawl with many sockets open can number a worker's pipe past ``select``'s 1,024;
    the write waits for room with ``poll`` and sends every byte."""
    read_end, write_end = os.pipe()
    high = 1500
    os.dup2(write_end, high)
    os.close(write_end)
    os.set_blocking(high, False)
    payload = bytes(random.Random(3).randrange(256) for _ in range(300_000))  # > a pipe
    received = bytearray()

    def drain() -> None:
        with os.fdopen(read_end, "rb") as stream:
            while chunk := stream.read(65536):
                received.extend(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        workerproc._write_all(high, [payload[:1000], memoryview(payload)[1000:]])
    finally:
        os.close(high)
        reader.join(10)
    assert bytes(received) == payload
