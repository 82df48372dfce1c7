"""Mailing the one-time account links made by a roster import, when an SMTP server is configured.

Without one (the default), the trainer sees the links and hands them over. A link never goes
into a log: only counts and error classes do.
"""
from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formataddr

log = logging.getLogger(__name__)
NBSP = "\u00a0"
SMTP_TIMEOUT = 15


def can_mail(config: Mapping) -> bool:
    return bool(config.get("SMTP_HOST") and config.get("SMTP_FROM"))


def invitation_text(name: str, cohort_name: str, url: str, hours: int) -> str:
    return (
        f"Bonjour {name},\n\n"
        f"Vous êtes inscrit à la formation «{NBSP}Intervention sociale à l'épreuve des trafics{NBSP}» "
        f"avec le groupe «{NBSP}{cohort_name}{NBSP}». Un compte vous a été créé{NBSP}: ouvrez ce lien pour "
        f"choisir votre mot de passe (il ne sert qu'une fois et expire dans {hours}{NBSP}heures){NBSP}:\n\n"
        f"{url}\n\n"
        "Si vous n'attendiez pas ce message, ignorez-le.\n"
    )


def mail_invitations(config: Mapping, cohort_name: str, hours: int, links: list[tuple[str, str, str]]) -> set[str]:
    """Send (name, e-mail, url) invitations over one connection; return the e-mails actually sent."""
    sent: set[str] = set()
    try:
        with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=SMTP_TIMEOUT) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD", ""))
            for name, email, url in links:
                msg = EmailMessage()
                msg["From"], msg["To"] = config["SMTP_FROM"], formataddr((name, email))
                msg["Subject"] = f"Votre compte pour la formation{NBSP}: choisissez votre mot de passe"
                msg.set_content(invitation_text(name, cohort_name, url, hours))
                try:
                    smtp.send_message(msg)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused):
                    continue
                sent.add(email)
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("invitation mailing interrupted after %s messages: %s", len(sent), type(exc).__name__)
    return sent
