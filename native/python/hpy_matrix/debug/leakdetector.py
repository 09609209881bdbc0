# LeakDetector and the debug errors, as hpy.debug offers them, over our debug layer.
from hpy_matrix.universal import _debug


class HPyDebugError(Exception):
    """Something the debug layer found."""


class HPyLeakError(HPyDebugError):
    """Handles opened inside a LeakDetector block and still open at its end."""

    def __init__(self, leaks):
        super().__init__()
        self.leaks = leaks

    def __str__(self):
        # Each handle's repr says where it was opened, or how to find out (as HPy's does).
        count = len(self.leaks)
        lines = [f"{count} unclosed handle{'' if count == 1 else 's'}:"]
        lines.extend(f"    {handle!r}" for handle in self.leaks)
        return "\n".join(lines)


class LeakDetector:
    """Checks that no handle opened between start() and stop() (or inside a with block) is
    left open; stop() raises HPyLeakError listing the ones that are."""

    def __init__(self):
        self.generation = None

    def start(self):
        if self.generation is not None:
            raise ValueError("LeakDetector already started")
        self.generation = _debug.new_generation()

    def stop(self):
        if self.generation is None:
            raise ValueError("LeakDetector not started yet")
        leaks = _debug.get_open_handles(self.generation)
        if leaks:
            raise HPyLeakError(leaks)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, etype, evalue, tb):
        # The block's own exception comes first; leaks after an exception are expected.
        if etype is None:
            self.stop()
