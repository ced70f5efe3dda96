"""How many extraction worker processes a crawl runs (``EXTRACT_WORKERS``).

``"auto"`` (the default) is one worker when this process may use two CPUs or more, else
none: on one CPU a worker only adds memory and hand-offs. A number is taken as it is.
"""

from __future__ import annotations

import os
from typing import Any

AUTO = "auto"


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, e.g. under taskset or a cgroup's
    cpuset), not the machine's count."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if count is not None:
        return count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def workers_for(value: Any, cpus: int | None = None) -> int:
    """``EXTRACT_WORKERS`` as a number of processes: ``"auto"`` is 1 from two usable CPUs
    on (``cpus``, default :func:`usable_cpus`), else 0; ValueError says what is allowed.

    >>> workers_for("auto", cpus=1), workers_for("auto", cpus=2), workers_for("auto", cpus=8)
    (0, 1, 1)
    >>> workers_for("0"), workers_for(2), workers_for(" AUTO ", cpus=4)
    (0, 2, 1)
    """
    if value is None:
        value = AUTO
    text = str(value).strip().lower()
    if text == AUTO:
        return 1 if (usable_cpus() if cpus is None else cpus) >= 2 else 0
    try:
        number = int(text)
    except ValueError:
        number = -1
    if number < 0:
        raise ValueError(f"EXTRACT_WORKERS is {value!r}: write auto or a whole number of "
                         "processes (0: extract in the crawl's process)")
    return number


def extract_workers(settings: Any) -> int:
    """The number of extraction workers a crawl's ``settings`` ask for."""
    return workers_for(settings.get("EXTRACT_WORKERS", AUTO))
