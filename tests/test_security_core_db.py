"""Statement parameters (drafts, answers) never appear in a database error; create-if-missing helpers."""
from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from training import db
from training.learning.models import SectionRead


def test_a_failing_statement_does_not_print_its_parameters(app, make_user):
    user = make_user()
    engine = db.database(app).engine
    assert engine.hide_parameters
    row = {"user_id": user.id, "module_slug": "alpha", "section_slug": "Paramètre-secret-du-brouillon"}
    with engine.begin() as conn:
        conn.execute(insert(SectionRead.__table__).values(**row, read_at=db.utcnow()))
    with pytest.raises(IntegrityError) as caught, engine.begin() as conn:
        conn.execute(insert(SectionRead.__table__).values(**row, read_at=db.utcnow()))
    assert "Paramètre-secret-du-brouillon" not in str(caught.value) and "parameters hidden" in str(caught.value)


def test_insert_missing_says_whether_it_inserted_and_never_raises_on_a_duplicate(app, make_user):
    user = make_user()
    keys = ["user_id", "module_slug", "section_slug"]
    row = {"user_id": user.id, "module_slug": "alpha", "section_slug": "intro"}
    with app.app_context():
        s = db.session()
        assert db.insert_missing(s, SectionRead, row, keys) is True
        assert db.insert_missing(s, SectionRead, row, keys) is False
        s.commit()
        assert db.insert_missing(s, SectionRead, row, keys) is False
        assert db.get_or_create(s, SectionRead, row).section_slug == "intro"
