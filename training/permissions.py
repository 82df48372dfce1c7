"""Who may see or change what: the one place holding every access rule, per object.

`can_<verb>_<noun>(user, obj)` answers for templates and views; `require_<verb>_<noun>`
aborts. What a user may not know exists answers 404, not 403.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Callable

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from . import db


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


# -- roles -------------------------------------------------------------------------------

def can_manage_users(user) -> bool:
    return _signed_in(user) and user.role == "admin"


def can_view_facilitator_notes(user) -> bool:
    return _signed_in(user) and user.role in ("admin", "trainer")


def can_create_cohort(user) -> bool:
    return _signed_in(user) and user.role in ("admin", "trainer")


def can_export_package(user) -> bool:
    """SCORM and offline packages of modules and paths: trainers and admins."""
    return _signed_in(user) and user.role in ("admin", "trainer")


def can_take_attendance(user) -> bool:
    """Trainers and admins may use the offline sheet; each item still needs manage_cohort."""
    return _signed_in(user) and user.role in ("admin", "trainer")


def can_export_person(user) -> bool:
    return can_manage_users(user)


# -- cohorts -----------------------------------------------------------------------------

def can_manage_cohort(user, cohort) -> bool:
    """Admins, and the trainers who run this cohort."""
    if not _signed_in(user) or cohort is None:
        return False
    return user.role == "admin" or (user.role == "trainer" and any(t.id == user.id for t in cohort.trainers))


def is_enrolled(user, cohort) -> bool:
    from .cohorts.models import Participant

    if not _signed_in(user) or cohort is None:
        return False
    q = select(Participant.id).where(Participant.cohort_id == cohort.id, Participant.user_id == user.id)
    return db.session().execute(q).first() is not None


def can_view_cohort(user, cohort) -> bool:
    return can_manage_cohort(user, cohort) or is_enrolled(user, cohort)


# -- reflections: private to their author ------------------------------------------------

def can_view_reflection(user, reflection) -> bool:
    """Only the author reads a reflection as theirs. No role overrides this."""
    return _signed_in(user) and reflection is not None and reflection.user_id == user.id


can_edit_reflection = can_view_reflection


def can_view_shared_reflection(user, reflection, cohort) -> bool:
    """An anonymous share is readable, without a name, by the cohort and its trainers."""
    if reflection is None or cohort is None or reflection.shared_cohort_id != cohort.id:
        return False
    if reflection.submitted_at is None or reflection.share_pending:
        return False
    return can_view_cohort(user, cohort)


# -- plumbing ----------------------------------------------------------------------------

_RULES: dict[str, Callable[..., bool]] = {
    name[4:]: fn for name, fn in dict(globals()).items() if name.startswith("can_") and callable(fn)
}


def can(rule: str, *objs: Any) -> bool:
    """Template helper: {% if can('manage_cohort', cohort) %}."""
    return _RULES[rule](current_user, *objs)


def require(rule: str, *objs: Any, status: int = 404) -> None:
    if not _RULES[rule](current_user, *objs):
        abort(status)


def role_required(*roles: str) -> Callable:
    """Coarse gate on the role; object rules still apply inside the view."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not _signed_in(current_user):
                from flask import current_app
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
