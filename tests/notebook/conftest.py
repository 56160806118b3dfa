from __future__ import annotations

from collections.abc import Iterator

import pytest
from IPython.core.interactiveshell import InteractiveShell


@pytest.fixture
def shell() -> Iterator[InteractiveShell]:
    """A real IPython shell with the extension loaded and an empty user namespace."""
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "analyst_magics")
    saved = dict(ip.user_ns)
    yield ip
    ip.user_ns.clear()
    ip.user_ns.update(saved)
    ip.rl_next_input = None
