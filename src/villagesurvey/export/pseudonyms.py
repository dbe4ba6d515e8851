"""Replace respondent identifiers with salted pseudonyms that cannot be traced back.

A pseudonym is the HMAC-SHA256 of the identifier under a secret salt, cut to 16 hex digits.
The same salt gives the same pseudonyms in every export, so exports of several waves or
seasons still join on the key; without the salt nobody can tell which respondent is which.
Each key column's pseudonym is made from the key up to that column (the household from the
village and the household, the person from all three), so households keep their village and
two villages' household ``H001`` stay two households.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .._atomic import atomic_path
from ..errors import OptionError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MIN_SALT", "load_salt", "new_salt", "pseudonymise_keys"]

MIN_SALT = 16
"""The fewest characters a salt file must hold."""

_DIGITS = 16
_SEPARATOR = "\x1f"  # the ASCII unit separator: never part of an identifier


def new_salt() -> bytes:
    """A fresh random salt (64 hex digits from the operating system's secure source)."""
    return secrets.token_hex(32).encode("ascii")


def load_salt(path: str | Path) -> tuple[bytes, bool]:
    """The salt kept in ``path``; the file is made with a new salt if it does not exist.

    A new file is readable by its owner only (mode 0600). Keep it private and keep it: it
    is what makes the pseudonyms of the next export match these.

    Returns
    -------
    salt : bytes
    created : bool
        True when the file was made now.

    Raises
    ------
    OptionError
        If the file cannot be read or made, or holds fewer than :data:`MIN_SALT` characters.
    """
    path = Path(path)
    if not path.exists():
        salt = new_salt()
        with atomic_path(path) as temporary:
            temporary.write_bytes(salt + b"\n")
            os.chmod(temporary, 0o600)
        return salt, True
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not a text file"
        raise OptionError(f"--salt-file {path}: cannot read: {reason}") from None
    if len(text) < MIN_SALT:
        raise OptionError(
            f"--salt-file {path}: the salt has {len(text)} characters, at least {MIN_SALT} "
            "are needed; name a file that does not exist to have a random one made"
        )
    return text.encode("utf-8"), False


def pseudonymise_keys(frame: pd.DataFrame, key: Sequence[str], salt: bytes) -> pd.DataFrame:
    """A copy of ``frame`` with each key column replaced by its pseudonym.

    Parameters
    ----------
    frame : DataFrame
        The dataset; its key columns are text.
    key : sequence of str
        The instrument's key columns, outermost first (village, household, person).
    salt : bytes
        The secret; see :func:`load_salt` and :func:`new_salt`.

    Returns
    -------
    DataFrame
        Missing identifiers stay missing.
    """
    out = frame.copy()
    prefix = [frame[code].astype("string").fillna("") for code in key]
    for depth, code in enumerate(key):
        parts = prefix[: depth + 1]
        names = [
            _SEPARATOR.join([code, *values])
            for values in zip(*(p.tolist() for p in parts), strict=True)
        ]
        digests = [_digest(salt, name) for name in names]
        pseudonyms = frame[code].astype("string").copy()
        present = pseudonyms.notna().to_numpy()
        pseudonyms[present] = [d for d, keep in zip(digests, present, strict=True) if keep]
        out[code] = pseudonyms
    return out


def _digest(salt: bytes, text: str) -> str:
    return hmac.new(salt, text.encode("utf-8"), hashlib.sha256).hexdigest()[:_DIGITS]
