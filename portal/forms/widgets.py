"""Widgets the portal's forms share."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python: the same HTML as Django's ``Select``, but without one
    template rendering per option. A municipality's hundred network groups in the statistics
    filter cost a third of that page's time at the size of a big municipality (docs/scaling.md),
    and it grew with every group."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join(
                "",
                '\n  <option value="{}"{}>{}</option>',
                ((str(o["value"]), flatatt(o["attrs"]), o["label"]) for o in options),
            )
            if group_name:
                rendered = format_html(
                    '\n  <optgroup label="{}">{}\n  </optgroup>', group_name, rendered
                )
            parts.append(rendered)
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", "{}", ((part,) for part in parts)),  # each part already safe
        )
