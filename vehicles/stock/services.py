"""The stock list's saved searches (V-5) and column choices (V-4)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import SavedSearch, StockListPreference


@transaction.atomic
def saved_search_create(*, user, name: str, query: str, is_default: bool = False):
    """Save the list's query under a name; a new default replaces the previous one."""
    name = name.strip()
    if SavedSearch.objects.filter(user=user, name=name).exists():
        raise ValidationError({"name": _("Vous avez déjà une recherche de ce nom.")})
    if is_default:
        SavedSearch.objects.filter(user=user, is_default=True).update(is_default=False)
    return SavedSearch.objects.create(user=user, name=name, query=query, is_default=is_default)


@transaction.atomic
def saved_search_set_default(*, saved, default: bool) -> None:
    if default:
        SavedSearch.objects.filter(user_id=saved.user_id, is_default=True).update(is_default=False)
    SavedSearch.objects.filter(pk=saved.pk).update(is_default=default)


def saved_search_delete(*, saved) -> None:
    saved.delete()


def stock_columns_save(*, user, columns: list[str]) -> None:
    StockListPreference.objects.update_or_create(user=user, defaults={"columns": columns})
