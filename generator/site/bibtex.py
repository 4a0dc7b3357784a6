"""BibTeX entries for papers (the citation box on paper pages, and .bib downloads).

- author: "Last, First and ..." (particles such as "van der" kept in front of
  the last name, "Jr."/"III" as the suffix part, single names as they are,
  "and others" when the record lists fewer names than its author count); an
  organization alone becomes one braced name, ``{{Org Name}}``.
- title: special characters escaped, every word with a capital braced so
  styles cannot lowercase it (acronyms, names, models).
- year, then eprint/archivePrefix/primaryClass for arXiv papers, then url.
- key: first author's last name, else the organization, else the first
  significant title word; ASCII-folded and lowercase; then the year and the
  first significant title word: ``vaswani2017attention``. Never "anon".
  In a file, colliding keys get a, b, c... in the order given.
- Text is UTF-8 (biber, bibtex8 and pybtex read it); the ten characters
  BibTeX/LaTeX treat specially are escaped. URLs are written as they are (url
  fields are verbatim), except characters that are never valid in a URL.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from urllib.parse import quote

from ..content.model import Paper
from . import urls

_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
            "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_FOLD = {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d",
         "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i"}
PARTICLES = {"von", "van", "der", "den", "de", "di", "da", "du", "del", "della", "dei", "des", "la", "le", "lo",
             "ten", "ter", "te", "dos", "das", "do", "bin", "ibn", "al", "el", "zu", "zur", "y", "af", "av"}
SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"}
_GROUP_WORDS = {"team", "group", "lab", "labs", "laboratory", "consortium", "collaboration", "project",
                "institute", "university", "inc.", "inc", "ltd", "corporation", "research"}
STOPWORDS = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "or", "with", "from", "via", "is", "are", "be",
             "do", "does", "how", "what", "why", "when", "which", "who", "can", "we", "our", "your", "you", "at",
             "by", "as", "into", "onto", "beyond", "under", "over", "without", "not", "all", "its", "it", "this",
             "that", "these", "than", "towards", "toward", "through", "about", "many", "much", "more", "most", "us",
             "let", "need", "just", "one", "two", "new"}


_ESCAPE_TABLE = str.maketrans(_ESCAPES)


def escape(text: str) -> str:
    """Text with BibTeX/LaTeX special characters escaped (whitespace collapsed)."""
    return " ".join(text.split()).translate(_ESCAPE_TABLE)


def ascii_fold(text: str) -> str:
    """Lowercase ASCII letters and digits only: "Álvarez-Ruíz" -> "alvarezruiz"."""
    if not text.isascii():
        text = "".join(_FOLD.get(ch, ch) for ch in text)
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_KEY.sub("", text.lower())


_NOT_KEY = re.compile(r"[^a-z0-9]")


def protect_title(title: str) -> str:
    """The title escaped, each word that has a capital letter in braces."""
    words = []
    for word in re.sub(r"\s+", " ", title).strip().split(" "):
        escaped = escape(word)
        if any(ch.isupper() for ch in word):
            # a group that starts with a backslash is a BibTeX "special character", which styles do recase
            escaped = "{{" + escaped + "}}" if escaped.startswith("\\") else "{" + escaped + "}"
        words.append(escaped)
    return " ".join(words)


def split_name(name: str) -> tuple[str, str, str, str]:
    """(first, von, last, jr) of a display name such as "Ludwig van der Berg" or "Smith, John"."""
    name = re.sub(r"\s+", " ", name).strip()
    if "," in name:
        parts = [p.strip() for p in name.split(",")]
        last_tokens = parts[0].split(" ")
        jr, first = (parts[1], parts[2]) if len(parts) >= 3 else ("", parts[1] if len(parts) > 1 else "")
        von = [t for t in last_tokens[:-1] if t.islower()]
        return first, " ".join(von), " ".join(last_tokens[len(von):]), jr
    tokens = name.split(" ")
    jr = ""
    if len(tokens) > 2 and tokens[-1].lower().rstrip(",") in SUFFIXES:
        jr = tokens.pop()
    if len(tokens) == 1:
        return "", "", tokens[0], jr
    von_start = next((i for i, t in enumerate(tokens[1:-1], 1) if t.lower() in PARTICLES and t.islower()), None)
    if von_start is None:
        return " ".join(tokens[:-1]), "", tokens[-1], jr
    return " ".join(tokens[:von_start]), " ".join(tokens[von_start:-1]), tokens[-1], jr


def _is_group(name: str) -> bool:
    """A team or institution listed as an author ("Qwen Team", "Meta AI"): kept as one name."""
    return any(w.lower() in _GROUP_WORDS or w == "AI" for w in name.split()) or name.count(",") > 2


@lru_cache(maxsize=65536)  # authors recur across papers
def bib_name(name: str) -> str:
    """One author as BibTeX wants it: "von Last, Jr, First", or a braced group name."""
    if _is_group(name):
        return "{" + escape(name) + "}"
    first, von, last, jr = split_name(name)
    words = [escape(w) if w.lower() != "and" else "{and}" for w in (von + " " + last).split()]
    out = " ".join(words)
    if jr:
        out += ", " + escape(jr)
    if first:
        out += ", " + " ".join(escape(w) if w.lower() != "and" else "{and}" for w in first.split())
    return out


def _year(paper: Paper) -> str:
    if paper.published:
        return str(paper.published.year)
    match = re.match(r"^(\d{2})(0[1-9]|1[0-2])\.\d{4,5}(v\d+)?$", paper.arxiv)  # new-style ids: YYMM.NNNNN
    return f"20{match.group(1)}" if match else ""


def _title_words(title: str) -> list[str]:
    words = [ascii_fold(w) for w in re.split(r"[\s\-–—:/]+", title)]
    return [w for w in words if len(w) >= 3 and w not in STOPWORDS and not w.isdigit()] or \
        [w for w in words if w and not w.isdigit()] or [w for w in words if w]


@lru_cache(maxsize=65536)
def citation_key(paper: Paper) -> str:
    """The key before de-duplication: name part + year + first significant title word."""
    words = _title_words(paper.title) or ["paper"]
    who = ""
    if paper.authors:
        name = paper.authors[0]
        who = ascii_fold(name if _is_group(name) else split_name(name)[2])
    if not who and paper.organization:
        org = paper.organization.fullname or paper.organization.name
        who = ascii_fold(re.sub(r"^the\s+", "", org, flags=re.IGNORECASE)) or ascii_fold(paper.organization.name)
    word = words[0]
    if not who:  # nobody known: two title words, "deconstructing2025attention"
        who, word = words[0], (words[1] if len(words) > 1 else "")
    if who[0].isdigit():
        who = "x" + who  # keys that start with a digit confuse some tools
    return who + _year(paper) + word


def _url(paper: Paper, fallback: str = "") -> str:
    links = paper.links
    url = links.arxiv or (f"https://arxiv.org/abs/{paper.arxiv}" if paper.arxiv else "") or links.project or \
        links.pdf or links.hf or links.code or fallback
    return quote(url.strip(), safe="%/:=&?~#+!$,;'@()*[]-._") if url else ""


@lru_cache(maxsize=65536)  # one paper's entry is on its page, its digests' and its tags' .bib files
def fields(paper: Paper, page_url: str = "") -> tuple[tuple[str, str], ...]:
    """(name, value already in BibTeX syntax, without the outer braces) in output order.
    `page_url` (the paper's page on this site) is the url when the record has no link."""
    out: list[tuple[str, str]] = []
    if paper.authors:
        names = " and ".join(bib_name(a) for a in paper.authors)
        if paper.author_count and paper.author_count > len(paper.authors):
            names += " and others"
        out.append(("author", names))
    elif paper.organization:
        out.append(("author", "{" + escape(paper.organization.fullname or paper.organization.name) + "}"))
    out.append(("title", protect_title(paper.title)))
    if _year(paper):
        out.append(("year", _year(paper)))
    if paper.arxiv:
        out += [("eprint", escape(paper.arxiv)), ("archivePrefix", "arXiv")]
        if paper.category:
            out.append(("primaryClass", escape(paper.category)))
    if _url(paper, page_url):
        out.append(("url", _url(paper, page_url)))
    return tuple(out)


def bibtex_entry(paper: Paper, key: str | None = None, page_url: str = "") -> str:
    """One @misc entry (no trailing newline); `key` defaults to `citation_key(paper)`;
    `page_url` is used as the url when the record has no link of its own."""
    body = fields(paper, page_url)
    width = max(len(name) for name, _ in body)
    lines = [f"  {name.ljust(width)} = {{{value}}}" for name, value in body]
    return f"@misc{{{key or citation_key(paper)},\n" + ",\n".join(lines) + "\n}"


def _suffix(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa..."""
    letters = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(ord("a") + r) + letters
    return letters


def unique_keys(papers: Iterable[Paper]) -> list[str]:
    """Keys for `papers` in order: the first paper with a key keeps it, later ones get a, b, c..."""
    used: set[str] = set()
    keys = []
    for paper in papers:
        base = citation_key(paper)
        key, n = base, 0
        while key in used:
            key, n = base + _suffix(n), n + 1
        used.add(key)
        keys.append(key)
    return keys


def bibtex_file(papers: Iterable[Paper], page_url: Callable[[Paper], str] | None = None) -> str:
    """A .bib file: one entry per paper id (first occurrence), keys unique, blank line
    between entries. `page_url(paper)` gives the fallback url (see `bibtex_entry`)."""
    seen: set[str] = set()
    unique = [p for p in papers if not (p.id in seen or seen.add(p.id))]  # type: ignore[func-returns-value]
    if not unique:
        return ""
    return "\n\n".join(bibtex_entry(p, k, page_url(p) if page_url else "")
                       for p, k in zip(unique, unique_keys(unique), strict=True)) + "\n"


def site_bib(base_url: str, papers: tuple[Paper, ...]) -> str:
    """The .bib file of a digest or tag page: `papers` in page order, each paper's
    page on the site as the url when the record has no link."""
    return bibtex_file(papers, lambda p: urls.absolute(base_url, urls.paper(p.id)))
