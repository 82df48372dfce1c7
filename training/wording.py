"""French agreement in counts (« 1 participant », « 7 participants ») and elision (« d'Amina »)."""
from __future__ import annotations

from .dates import french_number

NBSP = "\u00a0"
# Letters before which « de » and « que » elide. A leading h is left alone: whether it is mute
# depends on the word (« d'Hélène » but « de Hamid »), and a name is never wrong with « de ».
_VOWELS = set("aeiouyàâäéèêëîïôöûüœæAEIOUYÀÂÄÉÈÊËÎÏÔÖÛÜŒÆ")
_INVARIABLE = ("s", "x", "z")
_PREFIXES = ("demi-", "mi-", "semi-")


def _plural_word(word: str) -> str:
    if word.endswith(_INVARIABLE) or not word[:1].isalpha():
        return word
    if word.endswith(("eau", "au", "eu")):
        return word + "x"
    if word.endswith("al") and word not in ("final", "bal", "festival", "récital"):
        return word[:-2] + "aux"
    return word + "s"


def plural_form(singular: str) -> str:
    """The regular plural of each word (« module terminé » → « modules terminés »).

    Only for regular words: pass the plural explicitly to `pluralise` when a phrase holds an
    adverb, a preposition or an irregular word (« réponse partagée anonymement »).
    """
    words = []
    for word in singular.split(" "):
        prefix = next((p for p in _PREFIXES if word.startswith(p)), "")
        words.append(prefix + _plural_word(word[len(prefix):]))
    return " ".join(words)


def pluralise(count: int | float | None, singular: str, plural: str | None = None, number: bool = True) -> str:
    """« 1 participant », « 0 participant », « 7 participants »: French takes the singular below 2.

    With number=False, only the agreed word(s) (« {{ n }} {{ n|pluriel('essai', number=False) }} »).
    """
    n = count or 0
    word = singular if abs(n) < 2 else (plural or plural_form(singular))
    if not number:
        return word
    return f"{french_number(n)}{NBSP}{word}"


def elide(word: str, particle: str = "de") -> str:
    """« de » + a word, elided before a vowel: « d'Amina », « de Karim », « qu'elle »."""
    word = (word or "").strip()
    if particle in ("de", "que", "le", "la", "je", "ne", "se", "me", "te") and word[:1] in _VOWELS:
        return f"{particle[:-1]}'{word}"
    return f"{particle} {word}"
