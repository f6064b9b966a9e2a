"""A time budget for long work in a worker: documents and publishing stop and say so."""

import signal
import threading
from collections.abc import Callable
from contextlib import contextmanager


@contextmanager
def time_budget(seconds: float, expired: Callable[[], BaseException]):
    """Raise `expired()` inside the block once `seconds` have passed (no limit when
    `seconds` is 0). Only the main thread receives signals: elsewhere (a request thread
    running tasks at once, in tests or a demo without a worker) the work runs to its end
    and the caller checks the time afterwards if it must."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise expired()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
