from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class FormRenderer(TemplatesSetting):
    """Field groups render label, input, then the error next to it (templates/core/field.html)."""

    field_template_name = "core/field.html"


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
                (str(v), SELECTED if str(v) in chosen else EMPTY, label)
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
