"""QuickSelect writes what Django's Select writes."""

import pytest
from django import forms
from django.test.html import parse_html

from portal.forms.widgets import QuickSelect

CHOICES = [
    ("", "Alle grupper"),
    (1, "Tirsdagsgruppen"),
    (2, 'Gruppen "<Æblet>" & co'),
    ("Roskilde", [(3, "Onsdag"), (4, "Torsdag")]),
]


@pytest.mark.parametrize("value", [None, "", 2, "4"])
@pytest.mark.parametrize("attrs", [None, {"aria-invalid": "true", "id": "id_group"}])
def test_quick_select_writes_the_same_html_as_djangos_select(value, attrs):
    ours = QuickSelect(choices=CHOICES).render("group", value, attrs)
    django = forms.Select(choices=CHOICES).render("group", value, attrs)
    assert parse_html(ours) == parse_html(django)
    assert str(ours).count("<option") == 5
    assert "&lt;Æblet&gt;" in ours and "<Æblet>" not in ours  # escaped like Django's


def test_a_chosen_group_is_selected_in_a_bound_form():
    def form_with(widget):
        class Form(forms.Form):
            group = forms.ChoiceField(choices=CHOICES[:3], widget=widget)

        return str(Form({"group": "2"})["group"])

    ours = form_with(QuickSelect)
    assert parse_html(ours) == parse_html(form_with(forms.Select))
    assert '<option value="2" selected>' in ours
