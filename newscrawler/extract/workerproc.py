"""Worker processes without multiprocessing: a plain child interpreter and two pipes.

:class:`WorkerProcesses` runs functions in ``workers`` child processes, like a
``ProcessPoolExecutor`` with the ``spawn`` start method, but without what that costs a
crawl: multiprocessing's resource tracker (one more Python process, ~13 MB, started for the
named semaphores of its queues) and the re-import of the crawl's main module in every
child. A child is ``python -c`` importing this module alone, then whatever unpickling the
initializer and the calls needs; it reads pickled calls from one pipe and writes pickled
results to another (its stdout and stderr stay the crawl's, for messages).

The guarantees are those of the executor: a call's exception reaches its future; a child
that dies breaks the pool (every pending future fails with ``BrokenProcessPool``, later
calls too) so its owner can start new workers; :meth:`shutdown` lets each child finish its
call and end. A child also ends when the crawl's process is gone, killed included: its pipe
from the crawl then reads end of file (the child holds no copy of its write end).
A child can be recycled after a number of calls or past a memory bound (``max_calls``,
``max_rss``): it finishes its calls and ends, and only then does its successor start.

A child can also be started ahead of its pool (:func:`prestart`): a *spare* imports and
warms up (its ``prepare`` step) while the process that started it goes on with its own
start-up, and the next pool created with ``adopt`` set to that step takes it instead of
starting a child, if it was started with the same interpreter, path and environment.
"""

from __future__ import annotations

import importlib
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from queue import SimpleQueue
from typing import IO, Any, NamedTuple

from newscrawler.schedpolicy import share_policy

#: A message's head: its pickle's length and how many out-of-band buffers follow it (their
#: lengths come next, ``_LENGTH`` each). A ``pickle.PickleBuffer`` in a call (a page's bytes)
#: travels beside the pickle, not copied into it, and is read straight into its own bytes.
_HEAD = struct.Struct("!QH")
_LENGTH = struct.Struct("!Q")
_STOP = None  # put on a sender's queue: close the child's pipe, it ends after its call

Parts = list[bytes | memoryview]


def _message(message: Any) -> Parts:
    """One message as sent: its head, it pickled, then its out-of-band buffers."""
    buffers: list[pickle.PickleBuffer] = []
    data = pickle.dumps(message, protocol=5, buffer_callback=buffers.append)
    views = [buffer.raw() for buffer in buffers]
    head = _HEAD.pack(len(data), len(views)) + b"".join(_LENGTH.pack(v.nbytes) for v in views)
    return [head, data, *views]


def _write(stream: IO[bytes], message: Any) -> None:
    """Send one message and flush it."""
    for part in _message(message):
        stream.write(part)
    stream.flush()


def _after(parts: Parts, written: int) -> Parts:
    """What is left of ``parts`` once ``written`` bytes of them are written."""
    left: Parts = []
    for part in parts:
        size = len(part) if isinstance(part, bytes) else part.nbytes
        if written >= size:
            written -= size
            continue
        left.append(memoryview(part)[written:] if written else part)
        written = 0
    return left


def _write_all(fd: int, parts: Parts) -> None:
    """Write all of ``parts`` to the non-blocking pipe ``fd``, waiting while it is full
    (``poll``, not ``select``: a crawl with many sockets open can number a pipe past
    ``select``'s 1,024)."""
    waiting: select.poll | None = None
    while parts:
        try:
            parts = _after(parts, os.writev(fd, parts))
        except BlockingIOError:
            if waiting is None:
                waiting = select.poll()
                waiting.register(fd, select.POLLOUT)
            waiting.poll()


def _exactly(stream: IO[bytes], size: int) -> bytes:
    """``size`` bytes from ``stream``; EOFError when it ends first."""
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return data


def _read(stream: IO[bytes]) -> Any:
    """Receive one message; EOFError when the other end is closed."""
    size, count = _HEAD.unpack(_exactly(stream, _HEAD.size))
    sizes = [n for (n,) in _LENGTH.iter_unpack(_exactly(stream, _LENGTH.size * count))]
    data = _exactly(stream, size)
    return pickle.loads(data, buffers=[_exactly(stream, n) for n in sizes])


def serve(calls_fd: int, results_fd: int, prepare: str | None = None) -> None:
    """A child's loop: ``prepare`` (a spare's head start, see :func:`prestart`), then the
    initializer, then each call, until the crawl closes the pipe."""
    if prepare:
        _prepare(prepare)
    try:
        with os.fdopen(calls_fd, "rb") as calls, os.fdopen(results_fd, "wb") as results:
            _serve(calls, results)
    except BrokenPipeError:
        return  # the crawl is gone (killed): nobody reads the answers, nothing to say


def _serve(calls: IO[bytes], results: IO[bytes]) -> None:
    """:func:`serve`'s loop on the open pipes."""
    try:
        initializer, initargs = _read(calls)
    except EOFError:
        return
    if initializer is not None:
        initializer(*initargs)
    while True:
        try:
            task, fn, args = _read(calls)
        except EOFError:
            return
        try:
            answer = (task, True, fn(*args))
        except Exception as exc:  # the caller's future gets it
            answer = (task, False, exc)
        try:
            _write(results, answer)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            _write(results, (task, False, RuntimeError(f"unpicklable result: {exc}")))


def _prepare(spec: str) -> None:
    """Run ``module:function`` (a spare's head start); a failure only loses the head start
    (the initializer and the calls then do what it would have done)."""
    module, _, name = spec.partition(":")
    try:
        getattr(importlib.import_module(module), name)()
    except Exception:
        pass


#: Bytes a pipe to or from a child may hold: several large pages (a pipe holds 64 KiB by
#: default, less than one 100 KB page, so a child waited for the rest of each page while the
#: crawl's sending thread waited for the GIL).
PIPE_BYTES = 1 << 20


def _widen(fd: int) -> None:
    """Let pipe ``fd`` hold up to ``PIPE_BYTES`` (or the system's limit); Linux only."""
    import fcntl

    setsize = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setsize is None:
        return
    try:
        with open("/proc/sys/fs/pipe-max-size", encoding="ascii") as limit:
            allowed = int(limit.read())
    except (OSError, ValueError):
        allowed = PIPE_BYTES
    try:
        fcntl.fcntl(fd, setsize, min(PIPE_BYTES, allowed))
    except OSError:
        pass  # the default size works, only slower


#: A worker's resident memory is read every this many calls when it has a bound
#: (``max_rss``): reading ``/proc`` costs ~20 µs, a page ~1-5 ms.
RSS_EVERY = 20
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

#: The child's command: no signal of the terminal's process group stops it before its
#: initializer runs, then this module alone is imported (not the crawl's main module), and a
#: spare's ``prepare`` step is run.
#: numpy's OpenBLAS keeps to the calling thread unless the user set a number: the stories'
#: prints call no BLAS routine, yet its idle thread woke up (~0.03 ms of CPU a page). Once
#: its pipes are closed (every answer written), the child ends without tearing down its
#: interpreter: ~28 ms of the crawl's close waited for that, and nothing of it is kept.
_BOOT = ("import os, signal, sys\n"
         "os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')\n"
         "for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):\n"
         "    signal.signal(s, signal.SIG_IGN)\n"
         "sys.path[:] = {path!r}\n"
         "from newscrawler.extract.workerproc import serve\n"
         "serve({calls}, {results}, {prepare!r})\n"
         "sys.stdout.flush(); sys.stderr.flush()\n"
         "os._exit(0)\n")


class _Child(NamedTuple):
    """A started child: its process, the write end of its calls' pipe and the read end of
    its results' pipe."""

    process: subprocess.Popen[bytes]
    calls: int
    results: int


def _start_child(prepare: str | None = None) -> _Child:
    """Start a child interpreter running :func:`serve` with two new pipes."""
    calls_read, calls_write = os.pipe()
    results_read, results_write = os.pipe()
    try:
        _widen(calls_write)
        _widen(results_write)
        os.set_blocking(calls_write, False)  # ``send`` writes only what the pipe holds now
        boot = _BOOT.format(path=sys.path, calls=calls_read, results=results_write,
                            prepare=prepare)
        process = subprocess.Popen([sys.executable, "-c", boot], stdin=subprocess.DEVNULL,
                                   pass_fds=(calls_read, results_write))
    except BaseException:
        os.close(calls_write)
        os.close(results_read)
        raise
    finally:
        os.close(calls_read)
        os.close(results_write)
    return _Child(process, calls_write, results_read)


# --- spares: children started ahead of their pool ----------------------------------------

class _Spare(NamedTuple):
    child: _Child
    key: tuple[Any, ...]  # what its child was started with (see ``_spare_key``)


_spares: list[_Spare] = []
_spares_lock = threading.Lock()


def _spare_key(prepare: str) -> tuple[Any, ...]:
    """What a child takes from this process when it starts: a spare serves a pool only if
    these are still the same (an environment variable set since, ``MALLOC_MMAP_THRESHOLD_``
    for one, would be missing from it)."""
    return (prepare, sys.executable, tuple(sys.path), tuple(sorted(os.environ.items())))


def prestart(count: int, prepare: str) -> list[int]:
    """Start ``count`` children now, each running ``prepare`` (``"module:function"``:
    imports and warm-up) at once, for the next :class:`WorkerProcesses` created with
    ``adopt=prepare`` to take instead of starting its own: a command starts its workers
    this way before its own (slow) imports, so their start-up runs beside them. Returns
    their process ids. Spares no pool takes are ended by :func:`discard_spares` (and end
    by themselves when this process ends: their pipe then reads end of file)."""
    pids = []
    for _ in range(count):
        child = _start_child(prepare)
        with _spares_lock:
            _spares.append(_Spare(child, _spare_key(prepare)))
        pids.append(child.process.pid)
    return pids


def spares(prepare: str) -> int:
    """Spares started with ``prepare`` that are waiting for a pool."""
    with _spares_lock:
        return sum(1 for spare in _spares if spare.key[0] == prepare)


def _take_spare(prepare: str | None) -> _Child | None:
    """A live spare started with ``prepare`` and this process's path and environment, or
    None; spares that no longer match are ended."""
    if prepare is None:
        return None
    key = _spare_key(prepare)
    with _spares_lock:
        while _spares:
            spare = _spares.pop(0)
            if spare.key == key and spare.child.process.poll() is None:
                return spare.child
            _end(spare.child)
    return None


def discard_spares() -> int:
    """End the spares no pool took (a crawl that runs no worker); returns how many."""
    with _spares_lock:
        left = list(_spares)
        _spares.clear()
    for spare in left:
        _end(spare.child)
    return len(left)


def _end(child: _Child) -> None:
    """End a spare: it holds no call, only imports (or waits for its initializer)."""
    for fd in (child.calls, child.results):
        try:
            os.close(fd)
        except OSError:
            pass
    child.process.kill()
    child.process.wait()


class _Worker:
    """One child process, its two pipes, and the threads that feed and read them.

    A worker started ``after`` another (recycled: :meth:`WorkerProcesses.submit`) takes
    calls at once but starts its child only once the other's has ended, so the two never
    hold their memory at the same time.
    """

    def __init__(self, owner: WorkerProcesses, initializer: Callable[..., Any] | None,
                 initargs: tuple[Any, ...], after: _Worker | None = None) -> None:
        self.owner = owner
        self.pending: dict[int, Future[Any]] = {}
        self.sent = 0  # calls given to this worker (its recycling counts them)
        self.retired = False  # recycled: it ends after its calls, and that is expected
        self.after = after
        self.ended = threading.Event()  # its child ended, or it never started one
        self.process: subprocess.Popen[bytes] | None = None
        #: Messages for the sending thread: (bytes, task, whether its future is running
        #: already), or the stop mark.
        self.queue: SimpleQueue[tuple[Parts, int, bool] | None] = SimpleQueue()
        #: Guards ``queued`` and the writes to the child's pipe from ``send``.
        self.write_lock = threading.Lock()
        #: Messages on ``queue`` not written whole yet (the initializer's first): a call is
        #: written by ``send`` itself only when none is, so the child reads them in order.
        self.queued = 1
        self.stopped = False
        self.queue.put((_message((initializer, initargs)), 0, False))
        self.reader = threading.Thread(target=self._receive, daemon=True)
        if after is None:
            self._spawn()
        self.sender = threading.Thread(target=self._send, daemon=True,
                                       name=f"worker-{id(self):x}-send")
        self.sender.start()

    def _spawn(self) -> None:
        """Start the child (or take a spare, see :func:`prestart`) and the thread that
        reads its answers."""
        child = _take_spare(self.owner.adopt)
        if child is not None:
            share_policy(child.process.pid)  # started before the crawl chose its policy
            self.owner.adopted += 1
        else:
            child = _start_child()
        self.process = child.process
        self.calls = os.fdopen(child.calls, "wb", buffering=0)
        # One read takes every answer the pipe holds: the thread then gives up the GIL once
        # for them all, not once for each (an answer is larger than the default buffer).
        self.results = os.fdopen(child.results, "rb", buffering=PIPE_BYTES)
        self.reader.name = f"worker-{self.process.pid}-read"
        self.reader.start()

    def _start_after(self) -> bool:
        """A recycled worker's successor: wait for the old child to end, then start this
        one; False when there is nothing to do any more (shut down before it started) or
        the child cannot start (the pool is then broken)."""
        assert self.after is not None
        self.after.ended.wait()
        self.after = None
        if self.owner._broken is not None or (self.owner._closing and not self.pending):
            return False
        try:
            self._spawn()
        except OSError as exc:
            self.owner._unstartable(self, exc)
            return False
        return True

    def rss(self) -> int:
        """The child's resident bytes (0 when it is not running)."""
        if self.process is None:
            return 0
        try:
            with open(f"/proc/{self.process.pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            return 0

    def send(self, task: int, fn: Callable[..., Any], args: tuple[Any, ...],
             future: Future[Any]) -> None:
        """Send a call (``future`` is in ``pending``): written to the child's pipe here when
        nothing waits before it and the pipe holds it, else (or the rest of it) handed to
        the sending thread. Writing here saves the thread's wake-up and its turn at the
        GIL for each call (that thread took ~0.08 ms of CPU a large page)."""
        try:
            data = _message((task, fn, args))
        except Exception as exc:  # an argument that cannot be sent: that call fails
            self.pending.pop(task, None)
            future.set_exception(exc)
            return
        with self.write_lock:
            if self.queued or self.stopped or self.process is None:
                self.queued += 1
                self.queue.put((data, task, False))
                return
            try:
                if not future.set_running_or_notify_cancel():
                    self.pending.pop(task, None)
                    return
            except RuntimeError:  # failed meanwhile: the pool broke
                return
            try:
                data = _after(data, os.writev(self.calls.fileno(), data))
            except BlockingIOError:
                pass
            except (OSError, ValueError):
                return  # the child is gone: the reader sees it and breaks the pool
            if data:
                self.queued += 1
                self.queue.put((data, task, True))

    def _send(self) -> None:
        """Write the queued messages to the child; close its pipe at the stop mark."""
        if self.after is not None and not self._start_after():
            self.ended.set()
            while self.queue.get() is not _STOP:  # nothing to send: shut down, or broken
                pass
            return
        try:
            while (entry := self.queue.get()) is not _STOP:
                data, task, running = entry
                try:
                    if task and not running and not self._runs(task):
                        continue
                    _write_all(self.calls.fileno(), data)
                finally:
                    with self.write_lock:
                        self.queued -= 1
        except (OSError, ValueError):
            pass  # the child is gone: the reader sees it and breaks the pool
        finally:
            with self.write_lock:
                self.stopped = True
            try:
                self.calls.close()
            except OSError:
                pass

    def _runs(self, task: int) -> bool:
        """Mark call ``task``'s future running; False when it was cancelled or failed."""
        future = self.pending.get(task)
        try:
            if future is None or not future.set_running_or_notify_cancel():
                self.pending.pop(task, None)
                return False
        except RuntimeError:  # failed meanwhile: the pool broke
            return False
        return True

    def _receive(self) -> None:
        """Hand each result to its future; when the child is gone, settle what is left."""
        try:
            while True:
                task, ok, value = _read(self.results)
                future = self.pending.pop(task, None)
                if future is None or future.done():
                    continue
                try:
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
                except RuntimeError:  # InvalidStateError: cancelled meanwhile
                    pass
        except Exception:  # end of file, or an answer that cannot be read
            pass
        self.results.close()
        assert self.process is not None
        self.process.wait()
        try:
            self.owner._gone(self)
        finally:
            self.ended.set()

    def fail_pending(self, exc: BaseException) -> None:
        """Fail every call this worker still holds, sent or not."""
        for task in list(self.pending):
            future = self.pending.pop(task, None)
            if future is not None and not future.done():
                try:
                    future.set_exception(exc)
                except RuntimeError:  # InvalidStateError: settled meanwhile
                    pass

    def stop(self) -> None:
        """Close the child's pipe after the calls already sent or queued."""
        with self.write_lock:
            self.stopped = True
        self.queue.put(_STOP)


class WorkerProcesses:
    """``workers`` child processes running ``submit``-ted calls (an executor's interface:
    ``submit``, ``shutdown``; ``pids`` for checks).

    A child is recycled (replaced by a fresh one, ``recycled`` counts them) after
    ``max_calls`` calls, or once its resident memory passes ``max_rss`` bytes (read every
    ``RSS_EVERY`` calls); 0 turns either off. It finishes the calls it was given, then ends;
    its successor takes the next calls and starts when it has ended.
    """

    def __init__(self, workers: int, initializer: Callable[..., Any] | None = None,
                 initargs: tuple[Any, ...] = (), *, max_calls: int = 0,
                 max_rss: int = 0, adopt: str | None = None) -> None:
        self.adopt = adopt  # spares started with this ``prepare`` are taken (``prestart``)
        self.adopted = 0  # children that were spares
        self._lock = threading.Lock()
        self._broken: str | None = None
        self._closing = False
        self._tasks = 0
        self._init = (initializer, initargs)
        self.max_calls, self.max_rss = max_calls, max_rss
        self.recycled = 0
        self._retired: list[_Worker] = []
        self._workers = [_Worker(self, initializer, initargs) for _ in range(max(1, workers))]

    def pids(self) -> list[int]:
        """The live children's process ids."""
        return sorted(w.process.pid for w in self._workers
                      if w.process is not None and w.process.poll() is None)

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> Future[Any]:
        """Run ``fn(*args)`` in the least busy worker; its future holds the result."""
        from concurrent.futures.process import BrokenProcessPool

        future: Future[Any] = Future()
        with self._lock:
            if self._broken is not None:
                raise BrokenProcessPool(self._broken)
            if self._closing:
                raise RuntimeError("cannot submit to workers that are shut down")
            self._tasks += 1
            worker = min(self._workers, key=lambda w: len(w.pending))
            if self._worn(worker):
                worker = self._recycle(worker)
            worker.sent += 1
            worker.pending[self._tasks] = future
            worker.send(self._tasks, fn, args, future)
        return future

    def _worn(self, worker: _Worker) -> bool:
        """Whether ``worker`` has had its calls or passed its memory bound."""
        if self.max_calls and worker.sent >= self.max_calls:
            return True
        return bool(self.max_rss and worker.sent and worker.sent % RSS_EVERY == 0
                    and worker.rss() > self.max_rss)

    def _recycle(self, worker: _Worker) -> _Worker:
        """Retire ``worker`` (it ends after its calls) for a successor; under the lock."""
        worker.retired = True
        self._retired.append(worker)
        successor = _Worker(self, *self._init, after=worker)
        self._workers[self._workers.index(worker)] = successor
        worker.stop()
        self.recycled += 1
        return successor

    def _unstartable(self, worker: _Worker, exc: OSError) -> None:
        """A successor's child could not start: the pool is broken, as when one dies."""
        from concurrent.futures.process import BrokenProcessPool

        with self._lock:
            if self._broken is None:
                self._broken = f"an extraction worker could not start: {exc}"
            message = self._broken
        worker.fail_pending(BrokenProcessPool(message))

    def _gone(self, worker: _Worker) -> None:
        """A child ended: expected after shutdown; otherwise the pool is broken."""
        from concurrent.futures.process import BrokenProcessPool

        with self._lock:
            assert worker.process is not None
            expected = self._closing or (worker.retired and worker.process.returncode == 0)
            if worker in self._retired:
                self._retired.remove(worker)
            if not expected and self._broken is None:
                code = worker.process.returncode
                self._broken = (f"an extraction worker (pid {worker.process.pid}) ended "
                                f"with code {code} while the crawl still ran")
            message = self._broken or "the workers were shut down"
            workers = list(self._workers)
        error = BrokenProcessPool(message)
        worker.fail_pending(error)
        if not expected:
            for other in workers:  # as ProcessPoolExecutor: a broken pool ends every worker
                other.fail_pending(error)
                if other.process is not None and other.process.poll() is None:
                    other.process.kill()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Let each child finish its call and end (queued calls cancelled with
        ``cancel_futures``); ``wait``: until they have."""
        with self._lock:
            self._closing = True
            workers = [*self._workers, *self._retired]
        for worker in workers:
            if cancel_futures:
                for task, future in list(worker.pending.items()):
                    if future.cancel():
                        worker.pending.pop(task, None)
            worker.stop()
        if wait:
            for worker in workers:
                worker.sender.join()  # first: a successor decides whether it starts
                if worker.reader.ident is not None:
                    worker.reader.join()

