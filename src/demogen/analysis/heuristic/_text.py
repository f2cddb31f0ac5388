"""Reading names and texts: words, lemmas, verb classes, Korean/Chinese substrings.

``tutorial_step1``, ``Order Completed``, ``levelUp`` and ``ta_app_start`` all become short
tuples of lemmas (``("tutorial", "step")`` + number 1, ``("order", "complete")``,
``("levelup",)``, ``("app", "start")``); verbs also get a class key (``@end``) so patterns
can say "any ending verb". Korean and Chinese are matched as substrings (they have no
spaces between words worth trusting).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from demogen.analysis.heuristic._data import load

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_DIGIT_EDGE = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_NON_WORD = re.compile(r"[^0-9A-Za-z]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3130-\u318f\uac00-\ud7af\u4e00-\u9fff]")


def split_words(text: str) -> list[str]:
    """Lower-case Latin words and digit runs: ``levelUp2`` -> ``["level", "up", "2"]``."""
    text = _DIGIT_EDGE.sub(" ", _CAMEL.sub(" ", text))
    return [w.lower() for w in _NON_WORD.split(text) if w]


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def norm(text: str) -> str:
    """Lower case with runs of blanks collapsed, for substring search."""
    return " ".join(text.lower().split())


@dataclass(frozen=True, slots=True)
class Reading:
    """A name read into lemmas (stop words and numbers removed) and the numbers it holds."""

    words: tuple[str, ...]
    numbers: tuple[int, ...]

    @property
    def keys(self) -> frozenset[str]:
        """The lemmas plus ``@class`` keys of the verbs among them."""
        lex = lexicon()
        return frozenset(self.words) | {f"@{c}" for w in self.words if (c := lex.verb_of.get(w))}


class Lexicon:
    """Lemmas, phrases and verb classes from ``heuristic_lexicon.yaml``."""

    def __init__(self) -> None:
        data = load("lexicon")
        self.sdk_prefixes = frozenset(data["sdk_prefixes"])
        self.stopwords = frozenset(data["stopwords"])
        self.irregular: dict[str, str] = dict(data["irregular"])
        self.phrases = sorted(
            ((tuple(words), lemma) for words, lemma in data["phrases"]),
            key=lambda item: -len(item[0]),
        )
        self.verb_of: dict[str, str] = {}
        cjk: list[tuple[str, str]] = []
        for cls, spec in data["verbs"].items():
            for word in spec.get("en", []):
                self.verb_of.setdefault(word, cls)
            for lang in ("ko", "zh"):
                cjk.extend((word, cls) for word in spec.get(lang, []))
        self.cjk_verbs = sorted(cjk, key=lambda item: -len(item[0]))
        self.verb_classes = frozenset(data["verbs"])
        self.known = (
            set(self.verb_of)
            | set(data["nouns"])
            | set(self.irregular.values())
            | {lemma for _, lemma in self.phrases}
            | _concept_words()
        )

    def lemma(self, word: str) -> str:
        if word in self.irregular:
            return self.irregular[word]
        if word in self.known or len(word) <= 3:
            return word
        for candidate in _candidates(word):
            if candidate in self.known:
                return candidate
        return word

    def read(self, text: str, *, strip_prefix: bool = False) -> Reading:
        raw = split_words(text)
        if strip_prefix and len(raw) > 1 and raw[0] in self.sdk_prefixes:
            raw = raw[1:]
        numbers = tuple(int(w) for w in raw if w.isdigit())
        lemmas = [self.lemma(w) for w in raw if not w.isdigit()]
        merged: list[str] = []
        i = 0
        while i < len(lemmas):
            for words, lemma in self.phrases:
                if tuple(lemmas[i : i + len(words)]) == words:
                    merged.append(lemma)
                    i += len(words)
                    break
            else:
                merged.append(lemmas[i])
                i += 1
        words = tuple(w for w in merged if w not in self.stopwords)
        return Reading(words=words, numbers=numbers)

    def cjk_verb_classes(self, text: str) -> list[str]:
        """Verb classes named in a Korean/Chinese text, in the order they appear."""
        found: list[tuple[int, str]] = []
        taken: list[tuple[int, int]] = []
        for word, cls in self.cjk_verbs:
            start = text.find(word)
            while start >= 0:
                end = start + len(word)
                if not any(s < end and start < e for s, e in taken):
                    taken.append((start, end))
                    found.append((start, cls))
                start = text.find(word, end)
        return [cls for _, cls in sorted(found)]


def _candidates(word: str) -> list[str]:
    out: list[str] = []
    if word.endswith("ied"):
        out.append(word[:-3] + "y")
    if word.endswith("ed"):
        out += [word[:-2], word[:-1]]
        if len(word) > 4 and word[-3] == word[-4]:
            out.append(word[:-3])
    if word.endswith("ing"):
        out += [word[:-3], word[:-3] + "e"]
        if len(word) > 5 and word[-4] == word[-5]:
            out.append(word[:-4])
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    if word.endswith("es"):
        out.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        out.append(word[:-1])
    return out


def _concept_words() -> set[str]:
    words: set[str] = set()
    for spec in load("concepts")["concepts"].values():
        for pattern in spec.get("en", []):
            for group in pattern.split():
                words.update(w for w in group.split("|") if not w.startswith("@"))
    return words


@cache
def lexicon() -> Lexicon:
    return Lexicon()


def read(text: str, *, strip_prefix: bool = False) -> Reading:
    return lexicon().read(text, strip_prefix=strip_prefix)


Pattern = tuple[frozenset[str], ...]


def compile_pattern(text: str) -> Pattern:
    """``"level|stage @begin"`` -> ``({"level", "stage"}, {"@begin"})`` (words lemmatised)."""
    lex = lexicon()
    groups = []
    for group in text.split():
        alternatives = frozenset(
            w if w.startswith("@") else lex.lemma(w.lower()) for w in group.split("|")
        )
        groups.append(alternatives)
    return tuple(groups)


def pattern_matches(pattern: Pattern, keys: frozenset[str]) -> bool:
    return all(group & keys for group in pattern)


def word_keys(words: list[str] | tuple[str, ...]) -> frozenset[str]:
    """Keys (lemmas + ``@class``) of words that are already lemmas."""
    lex = lexicon()
    return frozenset(words) | {f"@{c}" for w in words if (c := lex.verb_of.get(w))}


def contains_any(text: str, needles: list[str] | tuple[str, ...]) -> bool:
    """Whether ``text`` (already lower case) holds one of the phrases as whole words.

    Latin phrases must sit on word boundaries; Korean/Chinese ones are plain substrings.
    """
    for needle in needles:
        n = needle.lower()
        if has_cjk(n):
            if n in text:
                return True
        elif re.search(rf"(?<![0-9a-z]){re.escape(n)}(?![0-9a-z])", text):
            return True
    return False


__all__ = [
    "Lexicon",
    "Pattern",
    "Reading",
    "compile_pattern",
    "contains_any",
    "has_cjk",
    "lexicon",
    "norm",
    "pattern_matches",
    "read",
    "split_words",
    "word_keys",
]
