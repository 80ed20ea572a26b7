"""What a dashboard user name and password may be: user names normalised one way everywhere
(sign-in, rate limiting, storing), passwords long enough and not a common one."""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

from socialroi.errors import SocialroiError

NAME_MAX = 64
PASSWORD_MIN = 12
PASSWORD_MAX = 4096  # long passphrases are fine; argon2 hashes any length

# Letters of other scripts that look like Latin ones, and digits that pass for letters: two
# names with the same skeleton are look-alikes ("admin", "аdmin" with a Cyrillic a, "adm1n").
_CONFUSABLE = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i",
        "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "к": "k", "м": "m", "т": "t", "в": "b",
        "н": "h", "ӏ": "l", "α": "a", "ο": "o", "ρ": "p", "ι": "i", "κ": "k", "ν": "v",
        "τ": "t", "υ": "u", "χ": "x", "ε": "e", "β": "b", "η": "n", "μ": "u", "ѵ": "v",
        "0": "o", "1": "l", "i": "l", "3": "e", "5": "s", "_": "-", ".": "-",
    }
)  # fmt: skip


def normalise_username(name: str) -> str:
    """The one form of a user name: NFKC, stripped, case-folded. Refuses control, format
    (zero-width) and space characters inside, and names longer than NAME_MAX."""
    got = unicodedata.normalize("NFKC", str(name)).strip().casefold()
    got = unicodedata.normalize("NFKC", got)
    if not got or len(got) > NAME_MAX:
        raise SocialroiError(f"a user name is 1-{NAME_MAX} characters")
    for ch in got:
        cat = unicodedata.category(ch)
        if cat[0] in ("C", "Z") or ch.isspace():
            raise SocialroiError(
                "a user name has no spaces, control or invisible (zero-width) characters"
            )
    return got


def skeleton(name: str) -> str:
    """What a name looks like: look-alike letters and digits mapped to one Latin letter."""
    return normalise_username(name).translate(_CONFUSABLE)


@functools.cache
def common_passwords() -> frozenset[str]:
    text = resources.files("socialroi.store").joinpath("data/common_passwords.txt").read_text()
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def check_password(password: str, username: str = "") -> None:
    """Refuse a password that is short, too long, common, or the user name."""
    if len(password) < PASSWORD_MIN:
        raise SocialroiError(f"a password needs at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise SocialroiError(f"a password has at most {PASSWORD_MAX} characters")
    low = password.casefold()
    base = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", low)  # "Password123!" -> "password"
    common = common_passwords()
    if low in common or base in common or len(set(low)) <= 2 or low.isdigit():
        raise SocialroiError("that password is one of the most common ones; choose another")
    if username and (low == username.casefold() or base == username.casefold()):
        raise SocialroiError("a password cannot be the user name")
