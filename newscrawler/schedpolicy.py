"""The crawl's processes as a batch job for Linux's scheduler (``SCHED_BATCH``; issue 11).

A crawl with extraction workers is CPU-bound on every core it has: the worker parses pages
without pause while the crawl's own threads (the reactor, the archive's writer, the threads
feeding and reading the worker's pipes) wake up hundreds of times a second for a few
microseconds each. Under the default policy each such wake-up may preempt the worker on
its core, and the scheduler then keeps the preempted worker waiting there (it is "cache
hot") while the other core runs idle: on 2 cores and ~97 KB pages the worker ran ~85% of
the time, waited ~15% runnable, ~6 preemptions a page, and ~11% of the machine stayed idle.

``SCHED_BATCH`` tells the scheduler that these threads are a CPU-bound batch job: a thread
that wakes up does not preempt the one running, and waits for its turn or an idle core.
The worker then ran ~92-96% of the time, ~0.3 switches a page; the crawl's process used
0.3-0.7 ms less CPU a large page, and eleven interleaved runs fetched 0-15% more large
pages a second, +5% in the median (bench/README.md, goal 1). Nice values are unchanged;
other programs (an interactive shell, a database) are, if anything, preempted less by the
crawl.

The policy is set on the calling thread (the crawl's main thread, before it starts any
other thread or worker): Linux gives it to every thread and process started from it
afterwards. Any user may choose it; where it does not exist (macOS, Windows) or is refused
(a sandbox), nothing changes.
"""

from __future__ import annotations

import os


def batch_scheduling(enabled: bool) -> bool:
    """Put this thread, and what it starts from now on, under ``SCHED_BATCH`` when
    ``enabled``; True when the system took it (or it was so already)."""
    if not enabled or not hasattr(os, "SCHED_BATCH"):
        return False
    try:
        policy = os.sched_getscheduler(0)
        if policy == os.SCHED_OTHER:
            os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
            return True
    except OSError:  # refused (seccomp, a container's policy): the default stays
        return False
    return policy == os.SCHED_BATCH  # a real-time or idle policy someone chose: kept


def share_policy(pid: int) -> bool:
    """Give process ``pid`` (a child started before this thread chose its policy) this
    thread's policy when they differ only between the default and ``SCHED_BATCH``; True
    when it was changed."""
    if not hasattr(os, "SCHED_BATCH"):
        return False
    try:
        mine, theirs = os.sched_getscheduler(0), os.sched_getscheduler(pid)
        if mine != theirs and {mine, theirs} <= {os.SCHED_OTHER, os.SCHED_BATCH}:
            os.sched_setscheduler(pid, mine, os.sched_param(0))
            return True
    except OSError:  # gone, or refused: it keeps the policy it has
        pass
    return False
