"""How Django draws a form field in Vigie (docs/design.md, "Form fields").

Django's own field template puts the label, the help text, the error and the input side by
side with no wrapper, so a grid of fields (`.fields`) would lay each piece in its own cell.
Vigie's wraps each field in `<div class="field">` (`has-error` when refused): the error stays
right above its input, and a grid holds one field per cell.
"""

from django.forms.renderers import DjangoTemplates


class VigieFormRenderer(DjangoTemplates):
    field_template_name = "core/forms/field.html"
