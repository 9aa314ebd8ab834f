from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from openflex.core.money import format_money, parse_money

# Django's empty choice, as model fields and ModelChoiceField write it.
DJANGO_EMPTY_LABEL = "---------"
CHOOSE = _("Choisir…")


def french_empty_choice(widget: dict) -> None:
    """Django's "---------" never reaches the page (#13): a radio button for "nothing" is
    dropped (a group of radio buttons starts with none checked), a select says "Choisir…"."""
    groups = []
    for name, options, index in widget["optgroups"]:
        kept = []
        for option in options:
            if option["value"] in ("", None) and str(option["label"]) == DJANGO_EMPTY_LABEL:
                if option.get("type") == "radio":
                    continue
                option = {**option, "label": CHOOSE}
            kept.append(option)
        if kept:
            groups.append((name, kept, index))
    widget["optgroups"] = groups


class FormRenderer(TemplatesSetting):
    """Field groups render label, input, then the error next to it (templates/core/field.html).

    Every widget of every form renders through here: choice widgets lose Django's
    "---------" empty choice (``french_empty_choice``), one rule for all forms."""

    field_template_name = "core/field.html"

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict) and "optgroups" in widget:
            french_empty_choice(widget)
        return super().render(template_name, context, request)


class MoneyInput(forms.TextInput):
    """An amount as the totals show it: ``17 150,00`` with the € sign beside the field
    (templates/core/money_input.html). What was typed and refused is shown as typed."""

    template_name = "core/money_input.html"

    def __init__(self, attrs=None):
        super().__init__(
            {"inputmode": "decimal", "class": "amount", "autocomplete": "off", **(attrs or {})}
        )

    def format_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, str):  # typed (a bound form): shown back as typed
            return value
        try:
            return format_money(parse_money(value), currency="")
        except ValueError:
            return str(value)


class MoneyField(forms.DecimalField):
    """A Decimal typed the French way (``17 150,00``, any space) or the English way
    (``17150.00``), shown the French way (``MoneyInput``)."""

    widget = MoneyInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_money(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class PlainModelChoiceIterator(ModelChoiceIterator):
    """Choices from one plain query (Django iterates a server-side cursor: 3 round trips)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in list(self.queryset):
            yield self.choice(obj)


# --- Fast rendering for list filter panels ------------------------------------------------
# Django renders every widget option through a template; a filter panel with ~50 options
# on a page that must answer in tens of milliseconds cannot afford it. field_group_fast
# produces the markup of templates/core/field.html with format_html instead.

CHECKED = SafeString(" checked")
SELECTED = SafeString(" selected")
MULTIPLE = SafeString(" multiple")
EMPTY = SafeString("")


def _selected(value) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, list | tuple | set):
        return {str(v) for v in value}
    return {str(value)}


def _choices_html(bound: forms.BoundField, widget_id: str, kind: str) -> SafeString:
    chosen = _selected(bound.value())
    items = format_html_join(
        "",
        '<div><label for="{0}_{1}"><input type="{2}" name="{3}" value="{4}" id="{0}_{1}"{5}> '
        "{6}</label></div>",
        (
            (
                widget_id,
                i,
                kind,
                bound.html_name,
                str(v),
                CHECKED if str(v) in chosen else EMPTY,
                label,
            )
            for i, (v, label) in enumerate(bound.field.choices)
        ),
    )
    return format_html('<div id="{}">{}</div>', widget_id, items)


def _widget_html(bound: forms.BoundField) -> SafeString:
    widget = bound.field.widget
    attrs = widget.build_attrs(widget.attrs, bound.build_widget_attrs({}))
    attrs.setdefault("id", bound.auto_id)
    if bound.errors:
        attrs["aria-invalid"] = "true"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return _choices_html(bound, attrs["id"], "checkbox")
    if isinstance(widget, forms.RadioSelect):
        return _choices_html(bound, attrs["id"], "radio")
    if isinstance(widget, forms.Select):
        chosen = _selected(bound.value())
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    str(v),
                    SELECTED if str(v) in chosen else EMPTY,
                    CHOOSE if v == "" and str(label) == DJANGO_EMPTY_LABEL else label,
                )
                for v, label in bound.field.choices
            ),
        )
        multiple = MULTIPLE if isinstance(widget, forms.SelectMultiple) else EMPTY
        return format_html(
            '<select name="{}"{}{}>{}</select>', bound.html_name, flatatt(attrs), multiple, options
        )
    if isinstance(widget, forms.widgets.Input):
        shown = widget.format_value(bound.value())
        if shown not in (None, ""):
            attrs["value"] = shown
        return format_html(
            '<input type="{}" name="{}"{}>', widget.input_type, bound.html_name, flatatt(attrs)
        )
    return bound.as_widget()


def field_group_fast(bound: forms.BoundField) -> SafeString:
    """Label, widget, errors and help of one field, as templates/core/field.html renders them."""
    grouped = isinstance(bound.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect)
    label = (
        format_html("<label>{}</label>", bound.label)
        if grouped
        else format_html('<label for="{}">{}</label>', bound.auto_id, bound.label)
    )
    errors = (
        format_html(
            '<ul class="errorlist">{}</ul>',
            format_html_join("", "<li>{}</li>", ((e,) for e in bound.errors)),
        )
        if bound.errors
        else EMPTY
    )
    help_text = (
        format_html('<div class="helptext">{}</div>', bound.help_text) if bound.help_text else EMPTY
    )
    return format_html(
        '<div class="field{}">{}{}{}{}</div>',
        " field-invalid" if bound.errors else "",
        label,
        _widget_html(bound),
        errors,
        help_text,
    )


class ReasonField(forms.CharField):
    """A decision's reason ("motif"): the length and NUL rule of ``reason_clean`` in a form
    (``REASON_MAX_LENGTH``, a textarea, French messages). Pass ``required_message`` for a
    required reason's own wording."""

    def __init__(self, *, label, required=False, required_message="", rows=2, **kwargs):
        from django.core.validators import ProhibitNullCharactersValidator
        from django.utils.translation import gettext_lazy

        from openflex.core.inputs import REASON_MAX_LENGTH

        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(label=label, required=required, max_length=REASON_MAX_LENGTH, **kwargs)
        self.error_messages["max_length"] = gettext_lazy(
            "Le motif ne peut pas dépasser %(limit_value)d caractères."
        )
        if required_message:
            self.error_messages["required"] = required_message
        self.validators = [
            ProhibitNullCharactersValidator(
                message=gettext_lazy("Le motif contient un caractère invalide.")
            )
            if isinstance(v, ProhibitNullCharactersValidator)
            else v
            for v in self.validators
        ]
