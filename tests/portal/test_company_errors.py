"""portal.errors: the one place a DomainError becomes a form error, a message, 404 or 403, and
``attempt``, the one way the views run a service call."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from domain.exceptions import KINDS, DomainError, Kind
from portal.errors import attempt, get_or_404, show_domain_error


class NameForm(forms.Form):
    name = forms.CharField()
    cvr = forms.CharField()


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_error_with_a_field_lands_at_that_field():
    form = NameForm({"name": "x", "cvr": "1"})
    form.is_valid()
    show_domain_error(
        _request(), DomainError("Bad CVR", code="cvr_invalid", field="cvr"), form=form
    )
    assert form.errors == {"cvr": ["Bad CVR"]}


def test_error_field_can_be_renamed_to_the_form_field():
    form = NameForm({"name": "x", "cvr": "1"})
    form.is_valid()
    error = DomainError("Taken", code="conflict", field="user")
    show_domain_error(_request(), error, form=form, fields={"user": "name"})
    assert form.errors == {"name": ["Taken"]}


def test_error_for_a_field_the_form_lacks_is_a_page_message():
    form = NameForm({"name": "x", "cvr": "1"})
    form.is_valid()
    request = _request()
    show_domain_error(request, DomainError("Full", code="full", field="seats"), form=form)
    assert form.errors == {}
    assert [str(m) for m in get_messages(request)] == ["Full"]


def test_error_without_a_form_is_a_page_message():
    request = _request()
    show_domain_error(request, DomainError("Not now", code="invalid_state"))
    assert [str(m) for m in get_messages(request)] == ["Not now"]


@pytest.mark.parametrize(
    ("code", "exception"), [("not_found", Http404), ("forbidden", PermissionDenied)]
)
def test_access_codes_become_404_and_403(code, exception):
    with pytest.raises(exception):
        show_domain_error(_request(), DomainError("x", code=code), form=NameForm())

    def getter(**kwargs):
        raise DomainError("x", code=code)

    with pytest.raises(exception):
        get_or_404(getter, user=None)


@pytest.mark.parametrize(
    ("kind", "exception"), [(Kind.NOT_FOUND, Http404), (Kind.FORBIDDEN, PermissionDenied)]
)
def test_the_access_answer_follows_the_kind_not_the_code(monkeypatch, kind, exception):
    monkeypatch.setitem(KINDS, "gone_elsewhere", kind)
    with pytest.raises(exception):
        show_domain_error(_request(), DomainError("x", code="gone_elsewhere"))


def test_a_new_conflict_code_is_a_page_message(monkeypatch):
    monkeypatch.setitem(KINDS, "gone_elsewhere", Kind.CONFLICT)
    request = _request()
    show_domain_error(request, DomainError("Moved", code="gone_elsewhere"))
    assert [str(m) for m in get_messages(request)] == ["Moved"]


def test_attempt_returns_the_result_and_shows_the_success_message():
    request = _request()
    assert attempt(request, lambda: 42, success="Saved.") == 42
    assert [str(m) for m in get_messages(request)] == ["Saved."]


def test_attempt_shows_the_refusal_at_its_field_and_returns_none():
    form = NameForm({"name": "x", "cvr": "1"})
    form.is_valid()
    request = _request()

    def refuse():
        raise DomainError("Taken", code="conflict", field="user")

    assert attempt(request, refuse, form=form, fields={"user": "name"}, success="Saved.") is None
    assert form.errors == {"name": ["Taken"]}
    assert list(get_messages(request)) == []


@pytest.mark.parametrize(
    ("code", "exception"), [("not_found", Http404), ("forbidden", PermissionDenied)]
)
def test_attempt_lets_the_access_kinds_become_404_and_403(code, exception):
    def refuse():
        raise DomainError("x", code=code)

    with pytest.raises(exception):
        attempt(_request(), refuse, success="Saved.")
