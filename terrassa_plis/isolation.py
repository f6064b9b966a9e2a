"""Long work in a worker, in a forked child process that ends with it.

A whole-plan PDF lays out hundreds of pages and takes hundreds of MB that Python keeps
after the work is done; in a child that exits, the memory goes back to the system. A
child past its time budget is stopped even inside WeasyPrint's own loops (a signal is
not delivered there), and it runs at a lower priority than the web processes beside it.

Documents (`terrassa_plis.documents`) and publishing (`publication.tasks`) both run
their rendering through `run_isolated`.
"""

import contextlib
import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable

from django.conf import settings
from django.db import connections, transaction

from terrassa_plis.budgets import time_budget


class ChildFailed(Exception):
    """The child process failed; its traceback is the message."""


def may_isolate() -> bool:
    """In a worker's main thread, outside any transaction (a child has a connection of
    its own and sees only committed data). Tests and a demo without a worker (tasks run
    inside the request) work inline."""
    return (
        settings.WORKER_ISOLATION
        and threading.current_thread() is threading.main_thread()
        and not transaction.get_connection().in_atomic_block
    )


def run_isolated(work: Callable, *args, budget: float, expired: Callable[[], BaseException]):
    """`work(*args)`, in a child process when `may_isolate()`, inline otherwise; raises
    `expired()` past `budget` seconds (no limit when 0). The child is forked, so `args`
    reach it as they are; what `work` returns must pickle."""
    if not may_isolate():
        with time_budget(budget, expired):
            return work(*args)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    # The child must not share the parent's database connections.
    connections.close_all()
    child = context.Process(target=_run_in_child, args=(work, args, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(budget or None):
            child.kill()
            raise expired()
        outcome, value = receiver.recv()
    except EOFError:
        outcome, value = "error", f"the child process ended with exit code {child.exitcode}"
    finally:
        receiver.close()
        child.join(timeout=30)
        if child.is_alive():
            child.kill()
            child.join()
    if outcome == "error":
        raise ChildFailed(value)
    return value


def yield_to_web_processes() -> None:
    """Lower this process's priority below the web processes on the same machine.

    Niceness alone orders processes only within one scheduling group. Under Linux's
    autogroup scheduling (the default without systemd's cgroups) a session is a group,
    and the processor is shared between groups first: a worker started as a service of
    its own would get half of it whatever its niceness. So the child starts a session of
    its own and lowers that group's weight as well. Under cgroups (systemd units,
    containers) autogroup does not apply and the service's CPUWeight decides (README)."""
    os.nice(10)
    with contextlib.suppress(OSError):
        os.setsid()
        with open("/proc/self/autogroup", "w") as autogroup:
            autogroup.write("19")


def _run_in_child(work: Callable, args: tuple, sender) -> None:
    yield_to_web_processes()
    # Whatever connection the fork copied is the parent's: leave it to the parent,
    # unused and unclosed (closing it here would end the parent's session too). An
    # in-memory SQLite database, in tests, lives in the process: the copy is the child's.
    for inherited in connections.all(initialized_only=True):
        if not getattr(inherited, "is_in_memory_db", lambda: False)():
            inherited.connection = None
    try:
        sender.send(("ready", work(*args)))
    except BaseException:
        sender.send(("error", traceback.format_exc()))
    finally:
        sender.close()
        connections.close_all()
        # Leave without the parent's exit handlers, which are not the child's to run.
        os._exit(0)
