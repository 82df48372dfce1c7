"""A populated world for the security suite: seven identities and objects that belong to each of them.

Built once per test module through the services (and the test client where a user would act),
so that every path parameter of every route can be filled with a real object owned by someone
else than the identity asking.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from training import db
from training.accounts.services import create_user
from training.cohorts.services import create_cohort, enrol

PASSWORD = "mot-de-passe-solide"
IDENTITIES = ("anonymous", "owner", "peer", "outsider", "trainer", "other_trainer", "admin")

# Unique markers: private text that nobody but its author may ever see, in any response or log.
PRIVATE_REFLECTION = "MARQUEUR-PRIVE-REFLEXION-5c1e"
PRIVATE_DRAFT = "MARQUEUR-PRIVE-BROUILLON-77aa"
SURVEY_FREE_TEXT = "MARQUEUR-QUESTIONNAIRE-LIBRE-90bd"


@dataclass
class World:
    app: object
    users: dict = field(default_factory=dict)       # identity -> User
    ids: dict = field(default_factory=dict)         # parameter name -> value (objects of "owner"/cohort 1)
    clients: dict = field(default_factory=dict)     # identity -> logged-in test client
    extra: dict = field(default_factory=dict)

    def client(self, identity: str):
        return self.clients[identity]


def csrf_from(html: str) -> str | None:
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    return m.group(1) if m else None


def login(client, email: str) -> None:
    token = csrf_from(client.get("/connexion").get_data(as_text=True))
    r = client.post("/connexion", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302, f"login failed for {email}: {r.status_code}"


def _submit_reflection(client, slug: str, text: str, action: str = "submit") -> None:
    page = client.get(f"/exercices/{slug}").get_data(as_text=True)
    rev = re.search(r'name="revision" value="(\d+)"', page).group(1)
    r = client.post(f"/exercices/{slug}", data={"text": text, "action": action, "revision": rev,
                                                 "csrf_token": csrf_from(page)})
    assert r.status_code in (302, 303), r.status_code


def _take_quiz(client) -> str:
    html = client.get("/quiz/alpha").get_data(as_text=True)
    data = {k: re.search(rf'name="{k}" value="([^"]+)"', html).group(1) for k in ("csrf_token", "nonce", "fingerprint")}
    r = client.post("/quiz/alpha", data={**data, "q-q1": "a", "q-q2": "a", "q-q3": "vrai", "q-q4": "a",
                                         "q-q5": "a", "q-q6": "vrai"})
    return r.headers["Location"]


def build(app, names: dict[str, str] | None = None) -> World:
    """Create the identities and their objects; `names` overrides display names (for XSS payloads)."""
    from training.attendance.services import add_sessions, schedule_specs
    from training.cohorts.models import Participant

    names = names or {}
    w = World(app=app)
    today = datetime.now(ZoneInfo("Europe/Paris")).date()  # the app's calendar day, not the machine's
    with app.app_context():
        s = db.session()
        roles = {"owner": "trainee", "peer": "trainee", "outsider": "trainee", "trainer": "trainer",
                 "other_trainer": "trainer", "admin": "admin"}
        for ident, role in roles.items():
            w.users[ident] = create_user(s, f"{ident}@secu.test", names.get(ident, f"Personne {ident}"), role, PASSWORD)
        s.flush()
        c1 = create_cohort(s, w.users["trainer"], names.get("cohort", "Groupe un"), "complet",
                           names.get("place", "Centre social"), today, today, {"complet"})
        c2 = create_cohort(s, w.users["other_trainer"], "Groupe deux", "complet", "Ailleurs", today, today,
                           {"complet"})
        s.flush()
        for ident in ("owner", "peer"):
            enrol(s, c1, w.users[ident])
        enrol(s, c2, w.users["outsider"])
        roomonly = Participant(cohort_id=c1.id, full_name=names.get("participant", "Gardienne Sans Compte"),
                               organisation=names.get("organisation", "Bailleur Sud"), job="Gardienne")
        s.add(roomonly)
        sessions = add_sessions(s, w.users["trainer"], c1, schedule_specs(today, 1, "Centre social", skip_weekends=False),
                                today=today, allow_past=True, confirmed=True)
        add_sessions(s, w.users["other_trainer"], c2, schedule_specs(today, 1, "Ailleurs", skip_weekends=False),
                     today=today, allow_past=True, confirmed=True)
        s.commit()
        owner_part = s.query(Participant).filter_by(cohort_id=c1.id, user_id=w.users["owner"].id).one()
        w.ids.update(cohort_id=c1.id, user_id=w.users["owner"].id, participant_id=owner_part.id,
                     session_id=sessions[0].id, other_cohort_id=c2.id, roomonly_id=roomonly.id,
                     join_code=c1.join_code)
        for u in w.users.values():
            s.expunge(u)
    w.clients["anonymous"] = app.test_client()
    for ident, user in w.users.items():
        c = app.test_client()
        login(c, user.email)
        w.clients[ident] = c
    owner = w.clients["owner"]
    _submit_reflection(owner, "alpha-chantier", f"Situation vécue {PRIVATE_REFLECTION} dans la cage B")
    _submit_reflection(owner, "alpha-guetteur", f"Brouillon {PRIVATE_DRAFT}", action="save")
    w.ids["attempt_id"] = int(_take_quiz(owner).rstrip("/").split("/")[-1])
    with app.app_context():
        w.ids["survey_coupon"] = survey_coupon(app, w.ids["cohort_id"], w.ids["roomonly_id"])
        w.ids["self_sign_code"] = self_sign_code(app, w.ids["session_id"], w.users["trainer"].id)
    return w


def survey_coupon(app, cohort_id: int, participant_id: int) -> str:
    """A paper coupon for the participant without an account (issued once, as the trainer would print it)."""
    from training.cohorts.models import Cohort, Participant
    from training.surveys.coupons import issue_coupons

    s = db.session()
    issued = issue_coupons(s, s.get(Cohort, cohort_id), "chaud", [s.get(Participant, participant_id)],
                           datetime.now(ZoneInfo("Europe/Paris")).date())
    s.commit()
    return issued[0].code


def self_sign_code(app, session_id: int, trainer_id: int) -> str:
    """The phone-signing code shown in the room right now (it rotates)."""
    from training.accounts.models import User
    from training.attendance.models import CourseSession
    from training.attendance.services import current_code, open_self_sign

    s = db.session()
    session = s.get(CourseSession, session_id)
    open_self_sign(s, s.get(User, trainer_id), session)
    s.commit()
    return current_code(session)[0]
