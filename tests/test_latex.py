"""generator.latex: LaTeX in abstracts rendered as safe HTML + MathML, never losing text."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from markupsafe import Markup

from generator.site.latex import MATHML_ATTRS, MATHML_TAGS, abstract_html

REPO = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
HTML_TAGS = {"p", "em", "strong", "code", "sup", "sub", "u", "a"}


class _Doc(HTMLParser):
    """Text, tags and attributes of an HTML fragment; records badly nested or unclosed elements."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: Counter = Counter()
        self.attrs: list[tuple[str, str, str | None]] = []
        self.errors: list[str] = []
        self.open: list[str] = []
        self.feed(html)
        self.close()
        if self.open:
            self.errors.append(f"unclosed {self.open}")

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        self.open.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]

    def handle_startendtag(self, tag, attrs):
        self.errors.append(f"self-closing {tag}")

    def handle_endtag(self, tag):
        if not self.open or self.open.pop() != tag:
            self.errors.append(f"misnested </{tag}>")

    def handle_data(self, data):
        self.text.append(data)

    @property
    def plain(self) -> str:
        return "".join(self.text)


def render(text: str) -> str:
    out = abstract_html(text)
    assert isinstance(out, Markup)
    doc = _Doc(str(out))
    assert not doc.errors, (text, str(out), doc.errors)
    assert set(doc.tags) <= HTML_TAGS | MATHML_TAGS, doc.tags
    for tag, name, _value in doc.attrs:
        assert (tag, name) in {("math", "display"), ("a", "href")} or name in MATHML_ATTRS, (tag, name)
        assert not name.startswith("on") and name != "style"
    return str(out)


def letters(text: str) -> Counter:
    return Counter(c for c in unicodedata.normalize("NFKD", text).casefold() if c.isalpha())


def keeps_letters(source: str, html: str) -> bool:
    """Every letter of the source outside macro names is in the output's text (order-free: MathML reorders)."""
    return letters(_Doc(html).plain) >= letters(re.sub(r"\\[A-Za-z]+|\\.", " ", source))


def inner(text: str) -> str:
    html = render(text)
    assert html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1, html
    return html[3:-4]


@pytest.mark.parametrize("source, expected", [
    (r"only 81.8\% accuracy", "only 81.8% accuracy"),
    (r"integrates H\&E slides", "integrates H&amp;E slides"),
    (r"costs \$5, a\_b, \#1", "costs $5, a_b, #1"),
    (r"a {\it neural code}; b", "a <em>neural code</em>; b"),
    (r"a {\em finite sample} b", "a <em>finite sample</em> b"),
    (r"\textit{x} \emph{y} \textbf{z} {\bf w}", "<em>x</em> <em>y</em> <strong>z</strong> <strong>w</strong>"),
    (r"run \texttt{make --jobs 4}", "run <code>make --jobs 4</code>"),
    (r"\textbf{bold {\it and italic}}", "<strong>bold <em>and italic</em></strong>"),
    (r"wait\ldots{} and \dots", "wait… and …"),
    (r"\LaTeX{} and \TeX\ are", "LaTeX and TeX are"),
    (r"as in \cite{smith2020, doe21} and \citep{x}", "as in [smith2020, doe21] and [x]"),
    (r"Fig.~\ref{fig:a} and Eq.~\eqref{e1}\label{x}", "Fig.\u00a0fig:a and Eq.\u00a0(e1)"),
    (r"i.\,i.\,d data", "i.\u202fi.\u202fd data"),
    (r"\ss \o \ae \copyright \S", "ß ø æ © §"),
    (r"see \url{https://x.org/a--b}", "see https://x.org/a--b"),
    (r"\href{https://x.org/?a=1&b=2}{code}", '<a href="https://x.org/?a=1&amp;b=2">code</a>'),
    (r"\textsuperscript{th} and \textsubscript{2}", "<sup>th</sup> and <sub>2</sub>"),
])
def test_known_macros(source, expected):
    assert inner(source) == expected


@pytest.mark.parametrize("source, expected", [
    (r"caf\'e", "café"), (r"na\"ive", "naïve"), (r"\c{c}a", "ça"), (r"\v{s}ko", "ško"), (r"\'{\i}", "í"),
    (r"\`a \^o \~n \=a \.z", "à ô ñ ā ż"), (r"Erd\H{o}s", "Erdős"), (r"\u{g} \k{a} \r{a}", "ğ ą å"),
    (r"G\"{o}del", "Gödel"),
])
def test_accents_compose_to_unicode(source, expected):
    out = inner(source)
    assert out == expected and unicodedata.is_normalized("NFC", out)


@pytest.mark.parametrize("source, expected", [
    (r"deceive (``I'll trick the user...''), and", "deceive (“I&#39;ll trick the user...”), and"),
    (r'the task ``features" -- as', "the task “features” – as"),
    (r"utilizing `relevance' as a key", "utilizing ‘relevance’ as a key"),
    (r"two `sibling' models' outputs", "two ‘sibling’ models&#39; outputs"),
    (r"don't and it's", "don&#39;t and it&#39;s"),
    (r"'What happened {time}{place}?'", "&#39;What happened {time}{place}?&#39;"),
    (r"a 5'' screen and a lone ` tick", "a 5&#39;&#39; screen and a lone ` tick"),
    (r"\texttt{``x''}", "<code>``x&#39;&#39;</code>"),
])
def test_quotes(source, expected):
    assert inner(source) == expected


@pytest.mark.parametrize("source, expected", [
    ("projections -- a technique", "projections – a technique"),
    ("pages 3--5, data--and more", "pages 3–5, data–and more"),
    ("a --- b and a---b", "a — b and a—b"),
    ("use --jobs 4 or (--no-cache)", "use --jobs 4 or (--no-cache)"),
    ("a <!-- comment --> b", "a &lt;!-- comment --&gt; b"),
    ("A --> B <-- C", "A --&gt; B &lt;-- C"),
    ("a ---- rule and a - b", "a ---- rule and a - b"),
    ("see https://x.org/a--b/c---d and www.ex-am.org/--x", "see https://x.org/a--b/c---d and www.ex-am.org/--x"),
])
def test_dashes(source, expected):
    assert inner(source) == expected


@pytest.mark.parametrize("source, expected", [
    ("Fig.~3 and et~al.", "Fig.\u00a03 and et\u00a0al."),
    ("rendering ~5%+ of all", "rendering ~5%+ of all"),
    ("in ~/.config or /~user/", "in ~/.config or /~user/"),
])
def test_tilde(source, expected):
    assert inner(source) == expected


def test_inline_math_becomes_mathml():
    out = inner(r"with $M=1k$ and $\mathcal{O}(n^2)$ time")
    assert out.startswith("with <math><mrow><mi>M</mi><mo>=</mo><mn>1</mn><mi>k</mi></mrow></math> and <math>")
    assert "<msup><mi>n</mi><mn>2</mn></msup>" in out and out.endswith("</math> time")
    assert "𝒪" in out and "$" not in out
    assert "<math>" in inner(r"and \(a_i\) too")


@pytest.mark.parametrize("source", [r"$$x^2+y^2$$", r"\[ \frac{a}{b} \]", "$$\\sum_{i=1}^n\nx_i$$"])
def test_display_math_is_a_block(source):
    out = inner("before " + source + " after")
    assert re.fullmatch(r'before <math display="block">.*</math> after', out, re.S), out


def test_math_output_is_whitelisted_and_escaped():
    out = inner(r"$a<b$, $\boxed{x}$, $\left(\frac{a}{b}\right)$")
    assert "<mo>&lt;</mo>" in out and "xmlns" not in out and "style" not in out
    for source in [r"$\color{red}{x}$", r"$\href{javascript:alert(1)}{x}$", r"$\text{<script>alert(1)</script>}$",
                   r"$\text{a & b}$", r"$\style{color:red}{x}$"]:
        out = inner(source)
        assert "<math" not in out or ("javascript" not in out and "style" not in out and "color" not in out)
        assert "<script" not in out and keeps_letters(source, out)
    for source in [r"$\style{}{x}$", r"$\href{}{x}$", r"$\class{}{x}$"]:  # the converter sets style/href/class
        assert inner(source) == "<math><mrow>" + "<mrow>" * (1 + ("href" in source)) + "<mi>x</mi>" + \
            "</mrow>" * (2 + ("href" in source)) + "</math>"


@pytest.mark.parametrize("source", [
    "costs $5 and $10", "between $5-$10 a month", "$5 (or 20$ abroad)", "US$5 and 5$ each",
    "$1M/$2M budgets", "a single $ sign", "$ 5 $", "raised $2.5 million, or $3", "$5,$6 and $7",
])
def test_dollar_amounts_stay_text(source):
    out = inner(source)
    assert "<math" not in out and out == str(Markup.escape(source))


@pytest.mark.parametrize("source", [
    r"\foo{bar} baz", r"\unknownmacro and text", r"$\foo{x}$ here", r"$\text{<b>}$ there", r"\textbf{never closed",
    r"{\it open group", r"\begin{itemize} \item x \end{itemize}", r"\\ line", "a \\", r"\textit {spaced}", r"\em alone",
    r"\[ \left( x \]", r"$\frac{a}{$", r"\cite[p.~3]{x}",
])
def test_unknown_or_broken_latex_stays_as_raw_text(source):
    out = inner(source)
    assert keeps_letters(source, out)
    assert "\\" in _Doc(out).plain  # the macro itself is shown, not silently dropped


def test_unknown_macro_is_shown_verbatim():
    assert inner(r"\foo{bar} baz") == r"\foo{bar} baz"
    assert inner(r"$\foo{x}$ here") == r"$\foo{x}$ here"
    assert inner(r"\textbf{never closed") == r"\textbf{never closed"
    assert inner(r"{\it open group") == r"{\it open group"
    assert inner(r"$\text{<b>}$") == r"$\text{&lt;b&gt;}$"
    assert inner(r"\textit {spaced} \emph") == r"\textit {spaced} \emph"
    # the converter would emit MathML the Nu checker rejects (<munderover/> empty, <mo> holding elements)
    assert inner(r"$\limits$ and $\mathop{x^2}$") == r"$\limits$ and $\mathop{x^2}$"
    assert inner(r"\[ \left( x \] and $\frac{a}{$") == r"\[ \left( x \] and $\frac{a}{$"


@pytest.mark.parametrize("source", [
    "a < b && c > d", "<b>bold</b>", "<script>alert('x')</script>", 'say "hi" & <a href="javascript:x">',
    "<!-- c --> <![CDATA[x]]> &amp; &lt;", r"\textbf{<script>}", r"{\it <img src=x onerror=alert(1)>}",
])
def test_html_in_the_input_is_text(source):
    out = render(source)
    doc = _Doc(out)
    assert not {"b", "script", "img"} & set(doc.tags) and not any(k == "onerror" for _, k, _ in doc.attrs)
    assert "<" in doc.plain or "&" in doc.plain
    assert keeps_letters(source, out)


def test_paragraphs_like_the_baseline():
    plain = "First <para> & more.\n\n  \n\nSecond\nline.\n\n"
    assert render(plain) == "<p>First &lt;para&gt; &amp; more.</p><p>Second\nline.</p>"
    assert render("") == "" and render("  \n\n ") == ""
    assert render("a\n\n$x$\n\nb").count("<p>") == 3


PATHOLOGICAL = {
    "braces": "{" * 10_000, "closing braces": "}" * 10_000, "dollars": "$" * 10_000, "backslashes": "\\" * 5_000,
    "nested": "\\textbf{" * 5_000 + "x" + "}" * 5_000, "declarations": "{\\it a " * 5_000,
    "parens": "\\(" * 5_000 + "x\\)", "display": "$$ a " * 5_000, "formulas": "$x_1$ " * 5_000,
    "quotes": "`a' ``b" * 3_000, "dashes": "a-- --b --- " * 3_000, "mixed": "{$\\'`~-}%&<" * 3_000,
    "long": ("Some words with 81.8\\% and {\\it x} -- $a$. " * 1_200)[:50_000],
    "huge": "word " * 50_000,
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_inputs_keep_their_letters(name):
    source = PATHOLOGICAL[name]
    out = render(source)
    assert keeps_letters(source, out)


def test_deterministic():
    source = r"{\it a} $\alpha+\beta$ ``q'' -- \'e \ldots $$\sum_i x_i$$ \cite{k} `x' y~z"
    first = str(abstract_html(source))
    abstract_html.cache_clear()
    assert str(abstract_html(source)) == first
    script = f"from generator.site.latex import abstract_html; print(ascii(str(abstract_html({source!r}))))"
    outputs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert outputs == {ascii(first) + "\n"}


def real_abstracts() -> list[str]:
    found = set()
    for path in sorted((REPO / "content" / "papers").glob("**/*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(record.get("abstract"), str):
            found.add(record["abstract"])
    for page in json.loads((DATA / "seeds" / "expected.json").read_text(encoding="utf-8")).values():
        found.update(p["abstract"] for p in page["papers"] if p.get("abstract"))
    return sorted(found)


def test_every_real_abstract_renders():
    abstracts = real_abstracts()
    assert len(abstracts) > 100
    rendered = 0
    for source in abstracts:
        out = render(source)  # parses, nests, whitelisted tags and attributes
        assert keeps_letters(source, out), source
        words = set(re.findall(r"[^\W\d_]{3,}", re.sub(r"\\[A-Za-z]+", " ", source)))
        assert words <= set(re.findall(r"[^\W\d_]{3,}", _Doc(out).plain)), source
        rendered += "<em>" in out or "–" in out or "“" in out
    assert rendered > 20


def test_fast_path_for_text_without_markup_gives_the_same_html() -> None:
    """abstract_html skips the parser when nothing in the text can start markup: same output."""
    import random

    from generator.site import latex
    rng = random.Random(7)
    alphabet = "ab c.,;:'\"%&#^_<>!?()[]-*/=+\n1234567890éß\t"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        if latex._SPECIAL.search(text):
            continue
        budget = list(latex.MATH_BUDGET)
        paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
        slow = "".join(f"<p>{latex._render(p, budget)}</p>" for p in paragraphs)
        assert str(abstract_html(text)) == slow, repr(text)
