"""A service's refusal becomes what the user reads through one helper (`core/feedback.py`), and no
page catches a `DomainError` by hand again (issue #11, "no copy of the error-to-message plumbing")."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django import forms
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory

import vigie
from vigie.core.errors import ConflictError, DomainError
from vigie.core.feedback import refuse_form, service_call

PACKAGE = Path(vigie.__file__).parent


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _messages(request) -> list[tuple[int, str]]:
    return [(m.level, m.message) for m in get_messages(request)]


class PersonForm(forms.Form):
    email = forms.CharField(required=False)


class RoleForm(forms.Form):
    role = forms.CharField(required=False)


def _bound(form_class):
    form = form_class(data={})
    assert form.is_valid()
    return form


# --- service_call ---------------------------------------------------------------------------------


def test_a_call_that_goes_through_says_nothing():
    request = _request()
    with service_call(request) as call:
        done = True
    assert done and not call.failed and call.error is None and call.message == ""
    assert not call.conflict
    assert _messages(request) == []


def test_a_refusal_becomes_an_error_message_and_stops_the_block():
    request = _request()
    after = []
    with service_call(request) as call:
        raise DomainError("La campagne est close : rien à appeler.")
        after.append("run")  # never reached
    assert after == []
    assert call.failed and isinstance(call.error, DomainError) and not call.conflict
    assert call.message == "La campagne est close : rien à appeler."
    assert _messages(request) == [(constants.ERROR, "La campagne est close : rien à appeler.")]


def test_a_conflict_is_told_apart():
    request = _request()
    with service_call(request) as call:
        raise ConflictError("Quelqu'un a modifié la fiche entre-temps.")
    assert call.failed and call.conflict
    assert _messages(request) == [(constants.ERROR, "Quelqu'un a modifié la fiche entre-temps.")]


def test_any_other_exception_goes_through():
    request = _request()
    with pytest.raises(ValueError):
        with service_call(request):
            raise ValueError("a bug, not a refusal")
    assert _messages(request) == []


def test_flash_false_only_records_the_refusal():
    request = _request()
    with service_call(request, flash=False) as call:
        raise DomainError("Ligne 3 : refusée.")
    assert call.message == "Ligne 3 : refusée."
    assert _messages(request) == []


def test_with_a_form_the_sentence_goes_next_to_its_field_and_no_message():
    request = _request()
    form = _bound(PersonForm)
    with service_call(request, form=form) as call:
        raise DomainError("Adresse déjà utilisée.", field="email")
    assert call.failed
    assert form.errors == {"email": ["Adresse déjà utilisée."]}
    assert _messages(request) == []


def test_with_a_form_and_flash_both_happen():
    request = _request()
    form = _bound(PersonForm)
    with service_call(request, form=form, flash=True):
        raise DomainError("Refusé.")
    assert form.non_field_errors() == ["Refusé."]
    assert _messages(request) == [(constants.ERROR, "Refusé.")]


# --- refuse_form ----------------------------------------------------------------------------------


def test_refuse_form_without_field_or_with_an_unknown_one_is_a_form_error():
    for field in ("", "birth_date"):
        form = _bound(PersonForm)
        refuse_form(form, DomainError("Refusé.", field=field))
        assert form.non_field_errors() == ["Refusé."]
        assert "email" not in form.errors


def test_refuse_form_picks_the_form_that_has_the_field_else_the_first():
    person, role = _bound(PersonForm), _bound(RoleForm)
    refuse_form((person, role), DomainError("Rôle inconnu.", field="role"))
    assert role.errors == {"role": ["Rôle inconnu."]} and not person.errors

    person, role = _bound(PersonForm), _bound(RoleForm)
    refuse_form((person, role), DomainError("Refusé."))
    assert person.non_field_errors() == ["Refusé."] and not role.errors


# --- No page catches a refusal by hand ------------------------------------------------------------

# Each entry: (module under vigie/, enclosing function) → why it needs its own handling.
ALLOWED = {
    ("housing/views_import.py", "clean_mapping"): (
        "a form's clean method, not a view: the mapping file's sentence becomes the form's "
        "ValidationError on that field, Django's own channel for a refused input"
    ),
}


def _refusal_names() -> set[str]:
    """DomainError and every subclass the apps declare (CampaignInputError, ActionInputError…)."""
    for path in _view_modules():
        importlib.import_module(
            "vigie." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        )
    names, todo = set(), [DomainError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names


def _view_modules() -> list[Path]:
    return sorted(PACKAGE.glob("*/views*.py"))


def hand_catches(source: str, names: set[str]) -> list[tuple[str, int]]:
    """(enclosing function, line) of every `except` naming a refusal class in `source`."""
    found = []

    def caught(node) -> set[str]:
        if node is None:
            return set()
        elts = node.elts if isinstance(node, ast.Tuple) else [node]
        return {e.id if isinstance(e, ast.Name) else getattr(e, "attr", "") for e in elts}

    def visit(node, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = function
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = child.name
            if isinstance(child, ast.ExceptHandler) and caught(child.type) & names:
                found.append((function, child.lineno))
            visit(child, inner)

    visit(ast.parse(source), "<module>")
    return found


def test_the_check_sees_a_hand_written_block():
    names = {"DomainError", "ConflictError", "CampaignInputError"}
    source = (
        "def view(request):\n"
        "    try:\n"
        "        services.x()\n"
        "    except services.CampaignInputError as exc:\n"
        "        messages.error(request, exc.message)\n"
        "    try:\n"
        "        pass\n"
        "    except (ValueError, ConflictError):\n"
        "        pass\n"
        "    try:\n"
        "        pass\n"
        "    except ValueError:\n"
        "        pass\n"
    )
    assert hand_catches(source, names) == [("view", 4), ("view", 8)]


def test_no_page_catches_a_refusal_by_hand():
    """A page wraps its service calls in `service_call` (core/feedback.py); catching a
    `DomainError` (or a subclass) by hand in a views module fails here, unless allowed above."""
    names = _refusal_names()
    assert {"DomainError", "ConflictError", "PermissionDeniedError"} <= names
    assert len(_view_modules()) > 8  # the glob finds the apps' modules
    found, used = [], set()
    for path in _view_modules():
        module = str(path.relative_to(PACKAGE))
        for function, line in hand_catches(path.read_text(), names):
            if (module, function) in ALLOWED:
                used.add((module, function))
            else:
                found.append(f"{module}:{line} in {function}()")
    assert not found, (
        "A refusal caught by hand in a view: use vigie.core.feedback.service_call\n"
        + "\n".join(found)
    )
    assert used == set(ALLOWED), "Allowed but gone, remove from ALLOWED: " + str(
        set(ALLOWED) - used
    )
