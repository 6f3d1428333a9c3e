"""The MCP view's event loop: one per process, on a daemon thread, and the queue through which
coroutines on it hand database work back to the request's own thread (the full SDK transport);
``Direct`` for the lean path, whose handlers already run on that thread."""

from __future__ import annotations

import asyncio
import os
import queue
import threading

from core.outages import classify


class Loop:
    """One event loop per process on a daemon thread, started lazily and again in a forked
    child (which inherits this object but neither the thread nor a usable lock)."""

    def __init__(self):
        self.pid: int | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.lock = threading.Lock()
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self.pid, self.loop, self.lock = None, None, threading.Lock()

    def get(self) -> asyncio.AbstractEventLoop:
        if self.pid != os.getpid():  # a fork that register_at_fork did not see
            self._forget()
        if self.loop is None:
            with self.lock:
                if self.loop is None:
                    loop = asyncio.new_event_loop()
                    threading.Thread(target=loop.run_forever, name="mcp-loop",
                                     daemon=True).start()  # fmt: skip
                    self.loop, self.pid = loop, os.getpid()
        return self.loop


loop = Loop()


def _set_result(future: asyncio.Future, value) -> None:
    if not future.done():
        future.set_result(value)


def _set_exception(future: asyncio.Future, error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)


class Direct:
    """The lean path's stand-in for the queue: the handlers already run on the request's
    thread, so a call runs in place; outages are noted as ``run_calls`` notes them."""

    def __init__(self):
        self.outages: list[BaseException] = []

    def run(self, function, *args):
        try:
            return function(*args)
        except Exception as error:
            if classify(error) is not None:
                self.outages.append(error)
            raise


def run_calls(calls: queue.SimpleQueue, outages: list) -> None:
    """On the request's thread until the request is served: run what the handlers send."""
    while True:
        item = calls.get()
        if item is None:
            return
        function, args, future, loop = item
        try:
            result = function(*args)
        except Exception as error:  # noqa: BLE001 - handed to the handler that asked, as raised
            if classify(error) is not None:
                outages.append(error)
            loop.call_soon_threadsafe(_set_exception, future, error)
        else:
            loop.call_soon_threadsafe(_set_result, future, result)
