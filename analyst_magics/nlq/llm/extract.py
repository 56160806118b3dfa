"""Find the code and the chart suggestion in a model's reply, whatever shape the reply has.

Models answer in many shapes: one fenced ```` ```python ```` block as asked, ```` ```py ````, an
unlabelled fence, ``~~~`` fences, several blocks (the code split in steps, or the code then an
example of its output), a fence left open because the reply was cut, a reasoning section in
``<think>`` tags before the answer, or plain code with a sentence around it. Code is whatever of
that parses as Python; a chart suggestion is a JSON object in a ``json`` block (or in an
unlabelled block that holds only JSON).
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

__all__ = ["extract_chart", "extract_code"]

#: Fence labels that mean Python.
PYTHON_LABELS = frozenset({"python", "py", "python3", "py3", "pandas", "ipython"})
#: Unfenced replies longer than this many lines are not searched for code line by line.
MAX_SEARCH_LINES = 200

_THINK = re.compile(r"<(think|thinking|reasoning)>.*?(?:</\1>|\Z)", re.S | re.I)
_FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<label>[\w+.-]*)[^\n]*\n"
                    r"(?P<body>.*?)(?:^[ \t]*(?P=fence)[ \t]*$|\Z)", re.M | re.S)
_INLINE_FENCE = re.compile(r"```(?:python|py)?[ \t]+(?P<body>[^`\n]+?)[ \t]*```", re.I)
_OPENERS = ("(", "[", "{", ":", "\\", ",")
# A statement's first line: ``name =``, ``obj.method(``, ``name[``, or a keyword.
_CODE_START = re.compile(r"^(?:[A-Za-z_][\w.]*\s*(?:[-+*/%&|^@]?=|\(|\[)|"
                         r"(?:for|if|with|while|try|def|import|from)\b)")


def extract_code(reply: str) -> str | None:
    """The Python code in ``reply``, or ``None`` when it holds none (a refusal, plain prose).

    Python-labelled blocks win and are joined in order; otherwise unlabelled blocks that parse
    as Python (and are not JSON); otherwise, in an unfenced reply, the first stretch of lines
    that parses as Python and assigns something (as long as possible).

    Examples
    --------
    >>> extract_code("Sure:\\n```py\\nresult = df['a'].sum()\\n```")
    "result = df['a'].sum()"
    >>> extract_code("I cannot help with that.") is None
    True
    """
    text = _THINK.sub("", reply or "")
    blocks = [(m["label"].lower(), _dedent(m["body"])) for m in _FENCE.finditer(text)]
    labelled = [body for label, body in blocks if label in PYTHON_LABELS and body.strip()]
    if labelled:
        return "\n\n".join(labelled)
    plain = [body for label, body in blocks
             if not label and body.strip() and not _is_json(body) and _parses(body)]
    if plain:
        return "\n\n".join(plain)
    if blocks:  # fenced, but in another language or not Python: no code
        return None
    inline = _INLINE_FENCE.search(text)
    if inline and _parses(inline["body"]):
        return inline["body"].strip()
    return _unfenced(text)


def extract_chart(reply: str) -> tuple[dict[str, Any] | None, str | None]:
    """The chart suggestion in ``reply`` and, when one was given but is unusable, why.

    Returns ``(spec, None)`` for a JSON object, ``(None, None)`` when the reply suggests no
    chart, and ``(None, problem)`` when a ``json`` block is not a JSON object.
    """
    text = _THINK.sub("", reply or "")
    for match in _FENCE.finditer(text):
        label, body = match["label"].lower(), match["body"].strip()
        if label == "json" or (not label and body.startswith("{")):
            try:
                spec = json.loads(body)
            except json.JSONDecodeError as exc:
                return None, f"the chart suggestion is not valid JSON ({exc.msg})"
            if not isinstance(spec, dict):
                return None, f"the chart suggestion is a JSON {type(spec).__name__}, not an object"
            return spec, None
    return None, None


def _dedent(body: str) -> str:
    lines = body.rstrip().splitlines()
    # Console transcripts: strip the ">>> " / "... " prompts.
    if lines and all(line.startswith((">>> ", "... ", ">>>", "...")) or not line.strip()
                     for line in lines) and any(line.startswith(">>>") for line in lines):
        lines = [line[4:] if line[3:4] == " " else line[3:] for line in lines]
    indent = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    return "\n".join(line[indent:] for line in lines)


def _parses(code: str) -> bool:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return bool(tree.body)


def _is_json(body: str) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def _unfenced(text: str) -> str | None:
    """From the first line that can start code, the longest stretch that parses and assigns."""
    lines = text.strip().splitlines()[:MAX_SEARCH_LINES]
    for start, line in enumerate(lines):
        if not _may_start_code(line):
            continue
        for end in range(len(lines), start, -1):
            chunk = "\n".join(lines[start:end]).strip()
            if _parses(chunk) and _assigns(chunk):
                return chunk
    return None


def _may_start_code(line: str) -> bool:
    stripped = line.strip()
    if not stripped or line[:1].isspace():
        return False
    return bool(_CODE_START.match(stripped)) or stripped.endswith(_OPENERS) or _parses(stripped)


def _assigns(code: str) -> bool:
    """Whether the code does something: an assignment (prose seldom parses as one)."""
    return any(isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign)
               for node in ast.walk(ast.parse(code)))
