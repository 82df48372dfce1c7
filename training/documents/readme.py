"""The LISEZMOI.txt of the evidence bundle: what each file proves in a Qualiopi audit."""
from __future__ import annotations

from datetime import date

from ..cohorts.models import Cohort
from ..content.model import Registry
from ..content.render import typography
from ..dates import french_date

TEMPLATE = """\
DOSSIER QUALITÉ — {cohort}
Formation « {title} »
Lieu : {place}
Dossier produit le {issued} par la plateforme « Formation Intervention sociale à l'épreuve des trafics ».

Organisme de formation : {body}
{body_ids}

Ce dossier rassemble les pièces qui montrent, pour ce groupe, comment la formation s'est déroulée.
Les numéros d'indicateurs renvoient au référentiel national qualité (Qualiopi).

emargement.pdf
  Feuilles d'émargement de chaque demi-journée tenue : participants, statut de présence, heure
  d'arrivée en cas de retard, signature de chacun avec sa date et son heure et la façon dont elle
  a été recueillie (tablette, téléphone, papier, rectification), signature du formateur avec sa
  date. Les séances annulées y restent, marquées « annulée » avec leur motif ; les séances à
  venir n'y figurent pas. Chaque rectification après signature (qui, quand, avant, après, motif)
  est reproduite sous la feuille concernée. Elles prouvent la réalisation effective de l'action
  et le suivi de l'assiduité, qui permet de repérer les absences et de prévenir les abandons
  (indicateur 12).

Vérification
  Chaque PDF porte un code de vérification et un QR code. La page de vérification de la
  plateforme confirme, sans afficher aucun nom, le type du document, l'organisme, le groupe, les
  dates, le nombre de participants et de signatures, la date d'émission et l'empreinte SHA-256
  du fichier, à comparer avec celle du fichier reçu.

attestations/
  Une attestation d'assiduité et de fin de formation par participant : objectifs de la
  formation, dates, séances suivies et heures suivies sur les heures prévues. Elle est remise
  au participant à l'issue de la formation et sert de justificatif auprès des financeurs.
  L'article L. 6353-1 du Code du travail prévoit que cette attestation mentionne aussi les
  résultats de l'évaluation des acquis : joignez-y ces résultats (par exemple le
  positionnement de fin de formation).

certificats/
  Un certificat de réalisation par participant, sur le modèle du ministère du Travail : organisme,
  bénéficiaire, intitulé et nature de l'action, dates, durée réalisée en heures calculée d'après
  les émargements des séances tenues, lieu et date, signataire et cachet. Il est demandé par les
  financeurs (OPCO, CPF).

presences.csv
  Le détail des présences, une ligne par participant et par demi-journée qui le concerne :
  statut, heure d'arrivée, minutes de présence, signature recueillie ou non. Il permet de
  recalculer les heures des attestations (indicateur 12). Séparateur « ; », s'ouvre dans Excel.

positionnement.csv
  Le questionnaire de positionnement, anonyme et agrégé : pour chaque énoncé, le nombre de
  réponses et la moyenne (de 1 « Pas du tout » à 4 « Tout à fait ») en début et en fin de
  formation. Le début documente le positionnement à l'entrée (indicateur 8) ; la comparaison
  début / fin sert à évaluer l'atteinte des objectifs (indicateur 11). Aucun nom n'y figure.
{positioning_note}
satisfaction.csv
  Les résultats agrégés des questionnaires de satisfaction « à chaud » et « à froid », sans
  aucun nom ni réponse libre : recueil des appréciations des bénéficiaires (indicateur 30),
  point de départ des mesures d'amélioration (indicateur 32). En dessous de quelques réponses,
  seul leur nombre est donné, pour que personne ne puisse être reconnu.

Ces pièces contiennent des données personnelles (noms, signatures) : conservez-les dans un
espace protégé et ne les transmettez qu'aux personnes qui en ont besoin pour l'audit.
"""

NO_POSITIONING = ("  Ce parcours ne comporte pas de questionnaire de positionnement : le fichier ne contient\n"
                  "  que sa ligne d'en-tête.\n")


def readme_text(cohort: Cohort, title: str, reg: Registry, issued_on: date, body=None) -> str:
    """The readme in French, CRLF line ends and a BOM so that any Windows editor opens it right."""
    path = reg.paths.get(cohort.path_slug)
    has_positioning = bool(path and path.positioning_slug and path.positioning_slug in reg.positionings)
    ids = [f"SIRET {body.siret}" if body is not None and body.siret else "",
           f"déclaration d'activité n° {body.nda}" if body is not None and body.nda else ""]
    body_ids = " · ".join(x for x in ids if x) or "(SIRET et numéro de déclaration d'activité à renseigner)"
    if body is not None and body.address:
        body_ids = " ".join(body.address.split()) + "\n" + body_ids
    text = TEMPLATE.format(cohort=cohort.name, title=title, place=cohort.place or "non précisé",
                           body=body.name if body is not None else "non renseigné", body_ids=body_ids,
                           issued=french_date(issued_on), positioning_note="" if has_positioning else NO_POSITIONING)
    return "\ufeff" + typography(text).replace("\n", "\r\n")
