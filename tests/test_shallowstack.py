"""shallow_stack: Scrapy's HTTP handler imported without a record of every frame."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys

from newscrawler.shallowstack import DEPTH, quick_getmodule, shallow_stack, short_stack

ALIASES = ("from scrapy.core.downloader import contextfactory, tls; "
           "print(json.dumps({name: [getattr(module, name).__module__, "
           "getattr(module, name).__name__, getattr(module, name).__mro__[1].__name__] "
           "for module in (contextfactory, tls) for name in ('ScrapyClientContextFactory', "
           "'AcceptableProtocolsContextFactory', 'ScrapyClientTLSOptions') "
           "if hasattr(module, name)}))")


def _records(context: int) -> tuple[list[inspect.FrameInfo], list[inspect.FrameInfo]]:
    return short_stack(context), inspect.stack(context)[:DEPTH]


def _called_from_here(context: int) -> tuple[list[inspect.FrameInfo], list[inspect.FrameInfo]]:
    return _records(context)


def test_the_short_stack_is_the_first_records_of_inspects():
    for context in (0, 1, 3):
        short, full = _called_from_here(context)
        assert len(short) == DEPTH
        for mine, python in zip(short, full, strict=True):
            assert mine.frame is python.frame
            assert tuple(mine) == tuple(python)
        # the same call in the caller (in _records the two calls are at other columns)
        assert short[1].positions == full[1].positions
        assert short[0].function == "_records" and short[1].function == "_called_from_here"


def test_a_frames_module_is_the_one_inspect_finds():
    frames = [record.frame for record in inspect.stack(0)]  # pytest, pluggy, this module...
    assert len(frames) > 10
    for frame in frames:
        assert quick_getmodule(frame) is inspect.getmodule(frame)
    # code whose globals name a module it does not come from: Python's own walk answers
    scope = {"__name__": "json", "sys": sys}
    exec(compile("frame = sys._getframe()", "elsewhere.py", "exec"), scope)
    assert quick_getmodule(scope["frame"]) is inspect.getmodule(scope["frame"])
    assert quick_getmodule(json) is json and quick_getmodule(json.dumps) is json


def test_inspect_is_pythons_own_again_after_the_block():
    real = inspect.stack, inspect.getmodule
    with shallow_stack():
        assert (inspect.stack, inspect.getmodule) == (short_stack, quick_getmodule)
        assert len(inspect.stack()) == DEPTH
    assert (inspect.stack, inspect.getmodule) == real
    try:
        with shallow_stack():
            raise KeyError("x")
    except KeyError:
        pass
    assert (inspect.stack, inspect.getmodule) == real


def test_scrapys_deprecated_aliases_are_the_same_through_the_handler():
    def aliases(imports: str) -> dict[str, list[str]]:
        code = f"import json; {imports}; {ALIASES}"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout
        return dict(json.loads(out))

    plain = aliases("import scrapy")
    through_ours = aliases("import newscrawler.httphandler")
    assert plain == through_ours
    assert plain["ScrapyClientContextFactory"][0] == "scrapy.core.downloader.contextfactory"
