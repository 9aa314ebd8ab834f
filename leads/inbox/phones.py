"""Phone numbers of leads and callers: E.164 with ``phonenumbers`` (France by default)."""

import phonenumbers

DEFAULT_REGION = "FR"


def phone_normalise(value: str, *, region: str = DEFAULT_REGION) -> str:
    """``"06 12 34 56 78"`` → ``"+33612345678"``; ``""`` stays ``""``; raises ValueError
    when the value is not a possible phone number."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(str(exc)) from exc
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_national(e164: str) -> str:
    """``"+33612345678"`` → ``"0612345678"`` (the digits a French file stores); other
    countries: the E.164 digits."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return "".join(c for c in e164 if c.isdigit())
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return "".join(c for c in national if c.isdigit())


def phone_display(e164: str) -> str:
    """``"+33612345678"`` → ``"06 12 34 56 78"`` for French numbers, international else."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)
