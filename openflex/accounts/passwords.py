"""Password rule beside Django's validators (AUTH_PASSWORD_VALIDATORS).

Django's ``UserAttributeSimilarityValidator`` compares the password with the whole email
and with its pieces split on punctuation: ``valideur-reprises`` is far enough from
``valideur``, ``reprises`` and ``valideur-reprises@groupe-horizon-automobiles.fr`` (the
domain dilutes the ratio) to pass. Here the email's local part and the full name are
compared whole, with and without their separators, and a password containing one of them
is refused as well.
"""

import re
from difflib import SequenceMatcher

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[\W_]+")
MIN_CONTAINED = 5  # shorter local parts ("jd", "marc") are only compared by similarity


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value.lower())


class EmailSimilarityValidator:
    def __init__(self, max_similarity: float = 0.7):
        self.max_similarity = max_similarity

    def _candidates(self, user) -> list[str]:
        local_part = (getattr(user, "email", "") or "").partition("@")[0]
        full_name = f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}"
        return [c for c in (local_part.lower(), full_name.strip().lower()) if c]

    def _too_close(self, password: str, candidate: str) -> bool:
        compact_password, compact = _compact(password), _compact(candidate)
        if len(compact) >= MIN_CONTAINED and compact in compact_password:
            return True
        return any(
            b and SequenceMatcher(a=a, b=b).ratio() >= self.max_similarity
            for a, b in ((password.lower(), candidate), (compact_password, compact))
        )

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        if any(self._too_close(password, c) for c in self._candidates(user)):
            raise ValidationError(
                _("Ce mot de passe ressemble trop à votre adresse email ou à votre nom."),
                code="password_too_similar",
            )

    def get_help_text(self) -> str:
        return _("Votre mot de passe ne peut pas ressembler à votre adresse email ni à votre nom.")
