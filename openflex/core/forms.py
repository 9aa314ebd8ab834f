from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Field groups render label, input, then the error next to it (templates/core/field.html)."""

    field_template_name = "core/field.html"
