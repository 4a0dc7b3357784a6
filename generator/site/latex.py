"""Abstracts with LaTeX in them, as safe HTML with MathML (records keep the raw text).

One left-to-right pass per paragraph, no recursion or backtracking: time is linear in the input.
What is not recognised stays raw text, HTML-escaped: an unknown macro, an unclosed group or a formula
the converter refuses never hides text; an unexpected error gives the plain escaped abstract. Rules:

* ``%`` is a percent sign, never a comment; bare ``&``, ``#``, ``^``, ``_``, ``~`` and braces are text.
* ``$...$`` is math only if there is no space after the opening ``$`` or before the closing one, the
  closing ``$`` is the next ``$`` on the same line and no digit follows it, and the formula does not
  both start with a digit and contain a space: "costs $5 and $10", "$5-$10", "$5 (or 20$)" stay text.
  ``$$..$$``, ``\\[..\\]`` (display) and ``\\(..\\)`` need only their closing delimiter. Formulas go
  through latex2mathml; its output is re-parsed and rebuilt from whitelisted MathML elements and
  attributes (no ``style``, ``href``, colours) and refused (the span stays raw) if it is not
  well-formed, shows an unknown macro or loses a letter of the source.
* Braces are markup only as a macro's argument or around a font declaration (``{\\it x}`` -> <em>);
  ``{time}``, ``{0.1, 0.3}``, ``W_{ij}`` are shown as they are. ``\\em`` outside a group stays raw.
* ``--`` -> en dash, ``---`` -> em dash, except in URLs and ``\\texttt``, next to ``<``, ``!`` or ``>``
  (``<!--``, ``-->``), and a ``--`` that starts a word (``--jobs``, a command-line flag).
* ``~`` is a no-break space only between word characters (``Fig.~3``), so "about ~5%" keeps it.
* Two backquotes -> “ and the next ``''`` (or ``"`` ending a word) -> ”; a lone ``''`` stays. One
  backquote starting a word and a later ``'`` ending one (within 300 characters) -> ‘ ’; apostrophes stay.
* Symbols and accents come from pylatexenc's tables (``\\ldots``, ``\\ss``, ``\\'e``, ``\\c{c}``), never
  ``\\today``. ``\\cite{a,b}`` -> [a, b], ``\\ref{x}`` -> x, ``\\label{x}`` -> nothing.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import Markup, escape

MAX_INPUT = 200_000  # longer abstracts are only escaped
MAX_MATH = 1_000  # characters in one formula
MATH_BUDGET = (6_000, 200)  # formula characters and formulas converted per abstract; later ones stay raw
MAX_DEPTH = 48  # nested groups; deeper braces are literal text
QUOTE_REACH = 300

# The lookahead names every character a token can start with: without it the
# engine tries each alternative at every position (4x slower on real abstracts).
_TOKEN = re.compile(r"""(?=[hfw\\$`'"\-{}~])(?:(?P<url>(?:https?|ftp)://[^\s<>"{}\\]+|www\.[A-Za-z0-9-]+\.[^\s<>"{}\\]+)
    |(?P<bs>\\(?:[A-Za-z]+|[\s\S])?)|(?P<dollar>\$\$?)|(?P<q>``|''|`|'|")|(?P<dash>-+)|(?P<ch>[{}~]))""", re.X)
_WORD = re.compile(r"\w", re.UNICODE)
_ACCENT_ARG = re.compile(r"\{(\\[ij]|[A-Za-z])\}|([A-Za-z])")
_ARG = re.compile(r"\\arg(?![A-Za-z])")  # the one common operator latex2mathml 3.81 does not know
_BLANKS = re.compile(r"[ \t]*")
_KEYS = re.compile(r"\{([^{}\\\n]{1,200})\}")
_HREF = re.compile(r"\{(https?://[^\s{}\\<>\"]+)\}\{")

FORMAT = {  # \name{...}: (open, close, is_code)
    "textit": ("<em>", "</em>", False), "emph": ("<em>", "</em>", False), "textsl": ("<em>", "</em>", False),
    "textbf": ("<strong>", "</strong>", False), "texttt": ("<code>", "</code>", True),
    "textsuperscript": ("<sup>", "</sup>", False), "textsubscript": ("<sub>", "</sub>", False),
    "underline": ("<u>", "</u>", False), "footnote": (" (", ")", False),
    **{n: ("", "", False) for n in ("textsc", "textrm", "textsf", "textnormal", "textup", "textmd", "mbox",
                                      "text", "hbox", "textlf")},
}
DECLARATIONS = {  # {\name ...}: (open, close, is_code)
    **{n: ("<em>", "</em>", False) for n in ("it", "itshape", "em", "sl", "slshape")},
    **{n: ("<strong>", "</strong>", False) for n in ("bf", "bfseries")},
    **{n: ("<code>", "</code>", True) for n in ("tt", "ttfamily")},
    **{n: ("", "", False) for n in ("rm", "sf", "sc", "scshape", "normalfont", "upshape", "mdseries",
                                      "rmfamily", "sffamily", "small", "footnotesize", "scriptsize", "large")},
}
CITES = {"cite": "[{}]", "citep": "[{}]", "citet": "[{}]", "citealp": "[{}]", "citeauthor": "[{}]",
         "ref": "{}", "autoref": "{}", "cref": "{}", "Cref": "{}", "eqref": "({})", "url": "{}", "label": ""}
ACCENTS = set("'`^\"~=.") | set("cvuHkrdbt")
SYMBOLS_OWN = {  # take precedence over pylatexenc's table
    "LaTeX": "LaTeX", "TeX": "TeX", "LaTeXe": "LaTeX2ε", "S": "§", "P": "¶", "copyright": "©",
    "textbar": "|", "textless": "<", "textgreater": ">", "textunderscore": "_", "euro": "€", "pounds": "£",
    "%": "%", "&": "&", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ", "\n": " ",
    ",": "\u202f", ";": "\u2005", ":": "\u2005", "-": "", "/": "", "@": "", "!": "",
    "quad": "\u2003", "qquad": "\u2003\u2003", "xspace": "", "noindent": "", "today": None,
}
MATHML_TAGS = {"math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub", "msubsup", "mfrac",
               "msqrt", "mroot", "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "menclose",
               "mpadded", "mphantom"}  # all latex2mathml 3.81 emits
MATHML_ATTRS = {"mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "accent", "accentunder",
                "linethickness", "columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines",
                "rowlines", "frame", "framespacing", "notation", "width", "height", "depth", "displaystyle",
                "scriptlevel", "minsize", "maxsize", "movablelimits", "symmetric", "largeop", "form",
                "linebreak", "mathsize", "voffset", "columnspan", "rowspan"}
MATHML_ARITY = {"msup": 2, "msub": 2, "mfrac": 2, "mroot": 2, "mover": 2, "munder": 2, "msubsup": 3, "munderover": 3,
                **dict.fromkeys(("mi", "mn", "mo", "ms", "mtext", "mspace"), 0)}  # element children required
_MML = "{http://www.w3.org/1998/Math/MathML}"


def _esc(text: str) -> str:
    return str(escape(text))  # a plain str: Markup + str would escape the str a second time


def _pylatexenc_symbols() -> dict[str, str]:
    """Argument-free text macros pylatexenc maps to a fixed string (\\ldots -> …, \\ss -> ß, \\alpha -> α)."""
    try:
        from pylatexenc.latex2text import get_default_latex_context_db
        from pylatexenc.latexwalker import get_default_latex_context_db as walker_db
    except ImportError:  # pragma: no cover - then only SYMBOLS_OWN is used
        return {}
    walker = walker_db()
    table: dict[str, str] = {}
    for spec in get_default_latex_context_db().iter_macro_specs():
        repl, wspec = spec.simplify_repl, walker.get_macro_spec(spec.macroname)
        argspec = getattr(getattr(wspec, "args_parser", None), "argspec", "") if wspec else ""
        if isinstance(repl, str) and repl.strip() and "%" not in repl and not argspec:
            table.setdefault(spec.macroname, repl)
    return table


SYMBOLS = {k: v for k, v in {**_pylatexenc_symbols(), **SYMBOLS_OWN}.items() if v is not None}


@lru_cache(maxsize=4096)
def _accent(accent: str, base: str) -> str | None:
    """\\'{e} -> é through pylatexenc's accent table, NFC-composed."""
    try:
        from pylatexenc.latex2text import LatexNodes2Text
        out = unicodedata.normalize("NFC", LatexNodes2Text().latex_to_text(f"\\{accent}{{{base}}}"))
    except Exception:
        return None
    plain = base[-1]
    return out if out and _letters(out) == Counter(plain) and out != plain else None


def _letters(text: str) -> Counter:
    return Counter(c for c in unicodedata.normalize("NFKD", text).casefold() if c.isalpha())


def _source_letters(latex: str) -> Counter:
    return _letters(re.sub(r"\\(?:begin|end)\{[^{}]*\}|\\[A-Za-z]+|\\.", " ", latex))


def _balanced(src: str) -> bool:
    depth = 0
    for m in re.finditer(r"\\.|[{}]", src):
        depth += {"{": 1, "}": -1}.get(m.group(), 0)
        if depth < 0 or depth > MAX_DEPTH:
            return False
    return depth == 0


def _mathml(src: str, display: bool) -> str | None:
    """A formula as MathML rebuilt from whitelisted parts, or None (the caller keeps the raw text)."""
    if not src.strip() or len(src) > MAX_MATH or not _balanced(src):
        return None
    try:
        from latex2mathml.converter import convert
        mathml = convert(_ARG.sub(r"\\operatorname{arg}", src), display="block" if display else "inline")
        root = ET.fromstring(mathml)
        body = "".join(_element(child) + _esc(child.tail or "") for child in root)
    except Exception:  # the converter's errors, XML errors, our own refusals (ValueError)
        return None
    if not _letters("".join(root.itertext())) >= _source_letters(src):
        return None
    return ('<math display="block">' if display else "<math>") + _esc(root.text or "") + body + "</math>"


def _element(el: ET.Element) -> str:
    tag = el.tag[len(_MML):] if el.tag.startswith(_MML) else ""
    if tag not in MATHML_TAGS or tag == "math" or re.match(r"\s*\\[A-Za-z]", el.text or "") \
            or len(el) != MATHML_ARITY.get(tag, len(el)):  # unknown element or macro, or a script short
        raise ValueError(f"refused MathML: {el.tag} {el.text!r}")
    attrs = "".join(f' {k}="{_esc(v)}"' for k, v in el.attrib.items() if k in MATHML_ATTRS)
    inner = "".join(_element(child) + _esc(child.tail or "") for child in el)
    return f"<{tag}{attrs}>{_esc(el.text or '')}{inner}</{tag}>"


@dataclass(slots=True)
class _Frame:  # an open group: '{', \textit{ or \href{..}{
    open_idx: int  # index of its opening piece in the output
    raw: str  # the source text of the opener, shown if the group never closes
    close: str
    code: bool = False  # inside \texttt: no dashes, quotes or no-break spaces
    link: bool = False
    group: bool = False  # a bare '{'
    decls: list[tuple[int, str, str]] = field(default_factory=list)  # (piece index, raw text, closing tag)


def _paragraph(s: str, budget: list[int]) -> str:
    out: list[str] = []  # HTML pieces; some are patched later (quotes, unclosed groups)
    stack: list[_Frame] = []
    overflow = 0  # literal '{' past MAX_DEPTH still waiting for their '}'
    dollars = [m.start() for m in re.finditer(r"(?<!\\)\$", s)]
    hits: dict[str, int] = {}  # last answer of find() per delimiter: repeated searches stay linear
    tried: set[int] = set()  # closing delimiters already tried once (keeps failed attempts linear)

    def find(needle: str, start: int) -> int:
        if hits.get(needle, -2) == -1 or hits.get(needle, -2) >= start:
            return hits[needle]
        hits[needle] = s.find(needle, start)
        return hits[needle]

    def math(src: str, display: bool) -> str | None:
        budget[0], budget[1] = budget[0] - len(src), budget[1] - 1
        return _mathml(src, display) if budget[0] >= 0 and budget[1] >= 0 else None
    dq_open = False
    sq_open: tuple[int, int] | None = None  # (piece index, position) of a candidate `
    pos, n = 0, len(s)
    while pos < n:
        m = _TOKEN.search(s, pos)
        if m is None:
            out.append(_esc(s[pos:]))
            break
        start, end, kind, tok = m.start(), m.end(), m.lastgroup, m.group()
        if start > pos:
            out.append(_esc(s[pos:start]))
        prev, nxt = s[start - 1] if start else " ", s[end] if end < n else " "
        code = any(f.code for f in stack)
        html: str | None = None
        if kind == "url":
            html = _esc(tok)
        elif kind == "dollar":
            if tok == "$$":
                close = find("$$", end)
                if close != -1 and close - end <= MAX_MATH and close not in tried:
                    tried.add(close)
                    html = math(s[end:close], True) or _esc(s[start:close + 2])
                    end = close + 2
            else:
                k = bisect.bisect_right(dollars, start)
                close = dollars[k] if k < len(dollars) else -1
                body = s[end:close] if close > start else ""
                if (body and not body[0].isspace() and not body[-1].isspace() and "\n" not in body
                        and not (close + 1 < n and s[close + 1].isdigit()) and s[close:close + 2] != "$$"
                        and not (body[0].isdigit() and re.search(r"\s", body))):
                    html = math(body, False) or _esc(s[start:close + 1])
                    end = close + 1
        elif kind == "bs":
            name = tok[1:]
            if name in ("(", "["):
                close = find("\\)" if name == "(" else "\\]", end)
                if close != -1 and close - end <= MAX_MATH and close not in tried:
                    tried.add(close)
                    html = math(s[end:close], name == "[") or _esc(s[start:close + 2])
                    end = close + 2
            elif name in ACCENTS and (am := _ACCENT_ARG.match(s, end)) and (am.group(1) or not name.isalpha()):
                html = _accent(name, am.group(1) or am.group(2))
                end = am.end() if html else end
            elif name in FORMAT and nxt == "{" and len(stack) < MAX_DEPTH:
                open_, close_, is_code = FORMAT[name]
                stack.append(_Frame(len(out), tok + "{", close_, is_code))
                html, end = open_, end + 1
            elif name == "href" and (hm := _HREF.match(s, end)) and not any(f.link for f in stack) \
                    and len(stack) < MAX_DEPTH:
                stack.append(_Frame(len(out), s[start:hm.end()], "</a>", link=True))
                html, end = f'<a href="{_esc(hm.group(1))}">', hm.end()
            elif name in DECLARATIONS and stack:
                open_, close_, is_code = DECLARATIONS[name]
                blanks = _BLANKS.match(s, end)
                ws = blanks.end() - end if blanks else 0
                frame = stack[-1]
                frame.decls.append((len(out), s[start:end + ws], close_))
                frame.code = frame.code or is_code
                if frame.group:  # the braces of {\it ...} are markup
                    out[frame.open_idx], frame.close = "", ""
                html, end = open_, end + ws
            elif name in CITES and (km := _KEYS.match(s, end)):
                keys = ", ".join(k.strip() for k in km.group(1).split(","))
                html, end = _esc(CITES[name].format(keys)), km.end()
            elif name in SYMBOLS:
                html = _esc(SYMBOLS[name])
                if name.isalpha() and s.startswith("{}", end):
                    end += 2
            if html is None:
                html = _esc(tok)  # unknown macro: raw; its arguments are rendered as text
        elif kind == "ch":
            if tok == "{":
                if len(stack) < MAX_DEPTH and not overflow:
                    stack.append(_Frame(len(out), "{", "}", group=True))
                else:
                    overflow += 1
                html = "{"
            elif tok == "}":
                if overflow:
                    overflow, html = overflow - 1, "}"
                elif stack:
                    frame = stack.pop()
                    html = "".join(c for _, _, c in reversed(frame.decls)) + frame.close
                else:
                    html = "}"
            else:
                nbsp = (prev.isalnum() or prev in ".,;:)]}'") and (nxt.isalnum() or nxt in "\\($[{")
                html = "\u00a0" if nbsp and not code else "~"
        elif kind == "dash":
            flag = len(tok) == 2 and nxt.isalpha() and (prev.isspace() or prev in "([\"'`")
            if code or len(tok) not in (2, 3) or prev in "<!" or nxt == ">" or flag:
                html = tok
            else:
                html = "–" if len(tok) == 2 else "—"
        elif kind == "q" and not code:
            if tok == "``":
                html, dq_open = "“", True
            elif dq_open and (tok == "''" or (tok == '"' and not prev.isspace() and not _WORD.match(nxt))):
                html, dq_open = "”", False
            elif tok == "`" and (prev.isspace() or prev in "([{\"“") and not nxt.isspace():
                sq_open, html = (len(out), start), "`"
            elif tok == "'" and sq_open and start - sq_open[1] <= QUOTE_REACH and not prev.isspace() \
                    and not _WORD.match(nxt):
                out[sq_open[0]], sq_open, html = "‘", None, "’"
        if html is None:
            html = _esc(tok)
        out.append(html)
        pos = end
    for frame in stack:  # never closed: the opener and its declarations were text after all
        out[frame.open_idx] = _esc(frame.raw)
        for idx, raw, _ in frame.decls:
            out[idx] = _esc(raw)
    return "".join(out)


def _render(paragraph: str, budget: list[int]) -> str:
    try:
        return _paragraph(paragraph, budget) if budget else _esc(paragraph)
    except Exception:  # a bug here must not cost the reader the paragraph
        return _esc(paragraph)


_SPECIAL = re.compile(r"[\\$`~{}]|--")  # what can start markup; without any, the text is only escaped


@lru_cache(maxsize=65536)
def abstract_html(text: str) -> Markup:
    """The abstract as HTML paragraphs (split at blank lines), its LaTeX rendered, the rest escaped."""
    if _SPECIAL.search(text) is None:  # fast path, same output (tests/test_latex.py checks it)
        return Markup("".join(f"<p>{_esc(p)}</p>" for p in re.split(r"\n\s*\n", text) if p.strip()))
    budget = list(MATH_BUDGET) if len(text) <= MAX_INPUT else []  # very long: only escaped
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return Markup("".join(f"<p>{_render(p, budget)}</p>" for p in paragraphs))
