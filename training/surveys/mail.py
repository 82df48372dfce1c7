"""Mailing personal survey links through the configured SMTP server (plain text, in French)."""
from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..cohorts.models import Cohort, Participant
from .models import KINDS, SurveyReceipt
from .services import SurveyError
from ..wording import pluralise

log = logging.getLogger(__name__)
NBSP = "\u00a0"
SMTP_TIMEOUT = 15


@dataclass(frozen=True)
class Recipient:
    participant_id: int
    name: str
    email: str


@dataclass(frozen=True)
class MailResult:
    sent: int
    failed: int


def mail_recipients(s: Session, cohort: Cohort, kind: str) -> list[Recipient]:
    """Participants with an active account who have not answered this survey: one query."""
    answered = select(SurveyReceipt.participant_id).where(SurveyReceipt.kind == kind)
    rows = s.execute(select(Participant.id, Participant.full_name, User.display_name, User.email)
                     .join(User, User.id == Participant.user_id)
                     .where(Participant.cohort_id == cohort.id, User.active.is_(True),
                            User.anonymised_at.is_(None), Participant.id.not_in(answered))
                     .order_by(Participant.full_name, Participant.id))
    return [Recipient(pid, full_name or display_name, email) for pid, full_name, display_name, email in rows]


def message_text(name: str, cohort_name: str, kind: str, url: str) -> str:
    return (
        f"Bonjour {name},\n\n"
        f"Vous avez suivi la formation «{NBSP}Intervention sociale à l'épreuve des trafics{NBSP}» "
        f"avec le groupe «{NBSP}{cohort_name}{NBSP}». Votre avis nous aide à l'améliorer{NBSP}: "
        f"pourriez-vous répondre au questionnaire de satisfaction {KINDS[kind]}{NBSP}? "
        "Il prend environ cinq minutes.\n\n"
        f"{url}\n\n"
        f"Le lien s'ouvre une fois connecté·e à votre compte{NBSP}: personne d'autre ne peut répondre "
        "à votre place. Il figure aussi sur votre page d'accueil.\n\n"
        f"Vos réponses sont anonymes{NBSP}: elles sont enregistrées sans votre nom, et les formateurs "
        "n'en voient que les résultats d'ensemble, par groupes de plusieurs réponses.\n\n"
        "Merci de votre participation.\n"
    )


def send_survey_links(config: Mapping, cohort_name: str, kind: str,
                      links: list[tuple[Recipient, str]]) -> MailResult:
    """Send each recipient their personal link over one SMTP connection.

    Uses SMTP_HOST, SMTP_PORT, SMTP_FROM, SMTP_STARTTLS and SMTP_USER/SMTP_PASSWORD when set.
    Raises SurveyError (French) when mail is not configured or the server cannot be reached;
    an address the server refuses counts as failed, the others are still sent.
    """
    if not config.get("SMTP_HOST"):
        raise SurveyError("Aucun serveur de courriel n'est configuré.")
    if not config.get("SMTP_FROM"):
        raise SurveyError(f"L'adresse d'expédition des courriels (SMTP_FROM) n'est pas configurée{NBSP}: "
                          "aucun courriel envoyé.")
    if not links:
        return MailResult(0, 0)
    sent = failed = 0
    try:
        with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=SMTP_TIMEOUT) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD", ""))
            for recipient, url in links:
                msg = EmailMessage()
                msg["From"] = config["SMTP_FROM"]
                msg["To"] = formataddr((recipient.name, recipient.email))
                msg["Subject"] = f"Votre avis sur la formation{NBSP}: questionnaire {KINDS[kind]}"
                msg.set_content(message_text(recipient.name, cohort_name, kind, url))
                try:
                    smtp.send_message(msg)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused):
                    log.warning("survey link refused by the mail server for participant %s", recipient.participant_id)
                    failed += 1
                else:
                    sent += 1
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("survey mailing interrupted after %s messages: %s", sent, type(exc).__name__)
        raise SurveyError(f"Le serveur de courriel n'a pas pu être joint ou a interrompu l'envoi "
                          f"({pluralise(sent, 'courriel envoyé')} avant l'incident){NBSP}: transmettez les liens "
                          "vous-même ou réessayez plus tard.") from None
    return MailResult(sent, failed)
