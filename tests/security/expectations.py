"""Who may reach each route: one line per endpoint, for GET and for POST.

A route of the URL map without a line here fails the suite, so no route is added without
deciding who may use it. Path parameters are filled from the world (objects of cohort 1 and
of the « owner » trainee) by `PARAMS` and `SLUGS`.

Rules name the identities that are let through:
  PUBLIC      everyone, signed in or not
  SIGNED_IN   any signed-in person
  ANON_ONLY   pages for people not signed in (a signed-in person is redirected, never served an error)
  MEMBER      the trainees of cohort 1 and those who run it (its trainer, admins)
  MANAGER     the trainer of cohort 1 and admins
  STAFF       any trainer and admins
  ADMIN       admins only
  OWNER       the « owner » trainee only (their quiz attempt)
  PARTICIPANT the trainees of cohort 1 (their own survey, signed in)
  JOIN        holders of a cohort's join code who are not staff (trainers and admins are never enrolled)
  TOKEN       anyone holding the secret in the URL (reset link, survey link, self-sign code)
None means the method is not offered.
"""
from __future__ import annotations

PUBLIC, SIGNED_IN, ANON_ONLY, MEMBER, MANAGER, STAFF, ADMIN, OWNER, TOKEN, PARTICIPANT = (
    "public", "signed_in", "anon_only", "member", "manager", "staff", "admin", "owner", "token", "participant")
JOIN = "join"

ALLOWED = {
    PUBLIC: {"anonymous", "owner", "peer", "outsider", "trainer", "other_trainer", "admin"},
    SIGNED_IN: {"owner", "peer", "outsider", "trainer", "other_trainer", "admin"},
    ANON_ONLY: {"anonymous", "owner", "peer", "outsider", "trainer", "other_trainer", "admin"},
    MEMBER: {"owner", "peer", "trainer", "admin"},
    MANAGER: {"trainer", "admin"},
    STAFF: {"trainer", "other_trainer", "admin"},
    ADMIN: {"admin"},
    OWNER: {"owner"},
    PARTICIPANT: {"owner", "peer"},
    JOIN: {"anonymous", "owner", "peer", "outsider"},
    TOKEN: {"anonymous", "owner", "peer", "outsider", "trainer", "other_trainer", "admin"},
}

# endpoint: (GET rule, POST rule)
EXPECT: dict[str, tuple[str | None, str | None]] = {
    "static": (PUBLIC, None),
    "main.home": (SIGNED_IN, None),
    "main.healthz": (PUBLIC, None),
    "main.privacy": (PUBLIC, None),
    "accounts.login": (ANON_ONLY, ANON_ONLY),
    "accounts.logout": (None, SIGNED_IN),
    "accounts.password": (SIGNED_IN, SIGNED_IN),
    "accounts.reset": (TOKEN, TOKEN),
    "accounts.users": (ADMIN, None),
    "accounts.user_new": (ADMIN, ADMIN),
    "accounts.user_edit": (ADMIN, ADMIN),
    "accounts.user_toggle": (None, ADMIN),
    "accounts.user_sign_out": (None, ADMIN),
    "privacy.user_export": (ADMIN, None),
    "privacy.user_erase": (None, ADMIN),
    "privacy.participant_export": (ADMIN, None),
    "privacy.participant_anonymise": (ADMIN, ADMIN),
    "accounts.user_reset_link": (None, ADMIN),
    "content.guide_index": (STAFF, None),
    "content.facilitator": (STAFF, None),
    "content.path_guide": (STAFF, None),
    "content.library": (SIGNED_IN, None),
    "content.fiche_action": (SIGNED_IN, None),
    "content.page": (SIGNED_IN, None),
    "content.source": (SIGNED_IN, None),
    "learning.module": (SIGNED_IN, None),
    "learning.read": (None, SIGNED_IN),
    "learning.path": (SIGNED_IN, None),
    "learning.exercise": (SIGNED_IN, None),
    "learning.exercise_post": (None, SIGNED_IN),
    "learning.autosave": (None, SIGNED_IN),
    "learning.share_toggle": (None, SIGNED_IN),
    "learning.delete": (None, SIGNED_IN),
    "learning.journal": (SIGNED_IN, None),
    "learning.journal_download": (SIGNED_IN, None),
    "learning.quiz": (SIGNED_IN, None),
    "learning.quiz_post": (None, SIGNED_IN),
    "learning.quiz_result": (OWNER, None),
    "learning.positioning": (SIGNED_IN, SIGNED_IN),
    "learning.positioning_compare": (SIGNED_IN, None),
    "cohorts.index": (STAFF, None),
    "cohorts.new": (STAFF, STAFF),
    "cohorts.detail": (MEMBER, None),
    "cohorts.edit": (MANAGER, MANAGER),
    "cohorts.archive": (None, MANAGER),
    "cohorts.trainers": (None, MANAGER),
    "cohorts.participants": (MANAGER, MANAGER),
    "cohorts.participant_account": (None, MANAGER),
    "cohorts.participant_remove": (None, MANAGER),
    "cohorts.roster_import": (None, MANAGER),
    "cohorts.dashboard": (MANAGER, None),
    "cohorts.join": (SIGNED_IN, SIGNED_IN),
    "cohorts.signup": (JOIN, JOIN),
    "attendance.sessions": (MANAGER, None),
    "attendance.sessions_add": (None, MANAGER),
    "attendance.sheet": (MANAGER, None),
    "attendance.session_cancel": (None, MANAGER),
    "attendance.session_move": (None, MANAGER),
    "attendance.self_sign_code": (MANAGER, None),
    "attendance.self_sign_open": (None, MANAGER),
    "attendance.sheet_save": (None, MANAGER),
    "attendance.sign_round": (MANAGER, None),
    "attendance.void": (None, MANAGER),
    "attendance.static": (PUBLIC, None),
    "documents.certificates": (MANAGER, None),
    "documents.certificate": (MANAGER, None),
    "documents.verify": (PUBLIC, None),
    "organisation.edit": (ADMIN, ADMIN),
    "attendance.sync_batch": (None, STAFF),
    "attendance.sync_token": (STAFF, None),
    "attendance.sync_journal": (MANAGER, None),
    "attendance.service_worker": (PUBLIC, None),
    "attendance.manifest": (PUBLIC, None),
    "attendance.offline_page": (PUBLIC, None),
    "attendance.offline_drafts": (PUBLIC, None),
    "attendance.mark": (None, MANAGER),
    "attendance.sign_trainer": (MANAGER, MANAGER),
    "attendance.sign_participant": (MANAGER, None),
    "attendance.self_sign_start": (PUBLIC, PUBLIC),
    "attendance.self_sign": (PUBLIC, PUBLIC),
    "documents.attestations": (MANAGER, None),
    "documents.attestation": (MANAGER, None),
    "documents.evidence_bundle": (MANAGER, None),
    "documents.cohort_sheets": (MANAGER, None),
    "documents.attendance_csv": (MANAGER, None),
    "documents.session_sheet": (MANAGER, None),
    "documents.paper_sheet": (MANAGER, None),
    "presentation.index": (MANAGER, None),
    "presentation.show": (MANAGER, None),
    "presentation.save_synthesis": (None, MANAGER),
    "surveys.manage": (MANAGER, MANAGER),
    "surveys.answer": (TOKEN, TOKEN),
    "surveys.answer_signed_in": (PARTICIPANT, PARTICIPANT),
    "surveys.thanks": (PUBLIC, None),
    "main.accessibility": (PUBLIC, None),
    "main.favicon": (PUBLIC, None),
    "elearning.module_package": (STAFF, None),
    "elearning.path_package": (STAFF, None),
}

# Slug parameters differ by endpoint: the kind of object each route names.
SLUGS = {
    "learning.module": "alpha", "learning.read": "alpha", "learning.path": "complet",
    "learning.exercise": "alpha-chantier", "learning.exercise_post": "alpha-chantier",
    "learning.autosave": "alpha-chantier", "learning.share_toggle": "alpha-chantier",
    "learning.delete": "alpha-chantier", "learning.quiz": "alpha", "learning.quiz_post": "alpha",
    "learning.quiz_result": "alpha", "learning.positioning": "positionnement",
    "learning.positioning_compare": "positionnement", "content.facilitator": "alpha",
    "content.path_guide": "complet", "content.page": "ressources",
    "elearning.module_package": "alpha", "elearning.path_package": "complet",
}


def params_for(endpoint: str, arguments: set[str], ids: dict) -> dict:
    """Fill every path parameter with a real object of cohort 1 / the owner trainee."""
    values = {
        "cohort_id": ids["cohort_id"], "user_id": ids["user_id"], "participant_id": ids["participant_id"],
        "session_id": ids["session_id"], "attempt_id": ids["attempt_id"], "first": 5, "last": 8, "number": 8,
        "module_slug": "alpha", "exercise_slug": "alpha-chantier", "section": "quoi", "phase": "debut",
        "filename": "sheet.css" if endpoint == "attendance.static" else "css/app.css", "kind": "chaud",
        "fmt": "pdf" if endpoint == "learning.journal_download" else "scorm2004", "slug": SLUGS.get(endpoint, "alpha"),
        "token": ids.get("reset_token", "x" * 43),
        "code": {"attendance": ids["self_sign_code"], "surveys": ids["survey_coupon"]}.get(endpoint.split(".")[0],
                                                                                          ids["join_code"]),
    }
    missing = arguments - set(values)
    assert not missing, f"{endpoint}: no value for path parameters {missing}: add them to params_for"
    return {k: values[k] for k in arguments}
