"""Finding the incident a person means: "12", "#12", "the latest alert", "the web-1 cpu alert",
a resource name. Words are matched fuzzily (rapidfuzz) against each incident's title, resource
and labels; when several fit as well, the person is asked which.

The reference is data: it is length-capped, matched, and never interpreted.
"""

from __future__ import annotations

from sqlmodel import col, select

from core import patterns
from core.db import Database
from tools.alerts.models import AlertRow, IncidentRow
from tools.alerts.render import choice_line, no_incidents, no_match, which_incident
from tools.errors import Ambiguous, NotFound

NUMBER = patterns.compile(
    r"^\s*#?\s*(\d{1,9})\s*$|#\s*(\d{1,9})\b|\b(?:incident|alert|alarm|inc)\s*(?:no\.?|number)?"
    r"[\s#-]*(\d{1,9})\b"
)
LATEST = frozenset({"latest", "last", "newest", "recent", "current", "new", "most", "just"})
"""Words meaning the most recently seen incident ("the latest alert", "the one that just
fired")."""
_FILLER_WORDS = """the a an this that my our alert alerts alarm alarms incident incidents one on
    for of about with please is are was it its in fired firing triggered went off page paged
    just one's thing"""
FILLER = frozenset(_FILLER_WORDS.split())
"""Words of a reference that name no incident in particular."""
CANDIDATES = 500
"""The most recently seen incidents a description is matched against."""
FITS = 75.0
"""The score (0-100) a description must reach to name an incident."""
NAMED = 90.0
"""The score a name-shaped word (web-1, db-prod) must reach: web-2 is not web-1."""
CLOSE = 5.0
"""Incidents scoring within this of the best are as good a fit: the person is asked."""


def find_incident(db: Database, reference: str) -> IncidentRow:
    """The incident ``reference`` names.

    Args:
        db: the SQL store.
        reference: what the person typed (number, "latest", or words naming it).

    Raises:
        NotFound: nothing matches (the sentence says what was looked for).
        Ambiguous: several incidents fit as well; ``choices`` lists them.
    """
    said = " ".join(reference.lower().split())[:200]
    number = NUMBER.search(said)
    if number:
        return _by_id(db, int(next(g for g in number.groups() if g)))
    words = [w.strip(".,;:!?'\"()") for w in said.split()]
    words = [w for w in words if w and w not in FILLER]
    recent = _recent(db)
    if not recent:
        raise NotFound(no_incidents())
    newest = bool(LATEST & set(words))
    words = [w for w in words if w not in LATEST]
    if newest and not words:
        return recent[0]
    if not words:
        return _only_open(recent)
    return _best(db, recent, words, said, newest)


def _by_id(db: Database, incident_id: int) -> IncidentRow:
    with db.session() as session:
        incident = session.get(IncidentRow, incident_id)
    if incident is None:
        raise NotFound(f"There is no alert incident #{incident_id}.")
    return incident


def _recent(db: Database) -> list[IncidentRow]:
    """The most recently seen incidents, newest first."""
    newest = (col(IncidentRow.last_seen).desc(), col(IncidentRow.id).desc())
    query = select(IncidentRow).order_by(*newest)
    with db.session() as session:
        return list(session.exec(query.limit(CANDIDATES)))


def _only_open(recent: list[IncidentRow]) -> IncidentRow:
    """The one open incident; asked which when there are several."""
    open_ones = [i for i in recent if i.status == "open"] or recent
    if len(open_ones) == 1:
        return open_ones[0]
    raise Ambiguous(which_incident(""), [choice_line(i) for i in open_ones[:10]])


def _best(
    db: Database, recent: list[IncidentRow], words: list[str], said: str, newest: bool
) -> IncidentRow:
    """The incident the words fit best (the newest of those when ``newest``), or a question
    when several fit as well. Words that fit no incident at all ("please", "handling") are
    left out of the score."""
    from rapidfuzz import fuzz

    labels = _labels(db, [i.id for i in recent if i.id is not None])
    hays = [f"{i.title} {i.resource} {labels.get(i.id or 0, '')}".lower() for i in recent]
    table = [[fuzz.partial_ratio(word, hay) for hay in hays] for word in words]
    telling = [row for row in table if max(row) >= FITS]
    if not telling:
        raise NotFound(no_match(said))
    named = [row for word, row in zip(words, table, strict=True) if _name_shaped(word)]
    scores = [
        sum(row[i] for row in telling) / len(telling)
        if all(row[i] >= NAMED for row in named)
        else 0.0
        for i in range(len(recent))
    ]
    best = max(scores)
    if best < FITS:
        raise NotFound(no_match(said))
    close = [
        incident for score, incident in zip(scores, recent, strict=True) if score >= best - CLOSE
    ]
    open_close = [incident for incident in close if incident.status == "open"]
    if newest or len(close) == 1 or len(open_close) == 1:
        return (open_close or close)[0]
    raise Ambiguous(which_incident(said), [choice_line(i) for i in close[:10]])


def _name_shaped(word: str) -> bool:
    """A resource-like word: it has a dash or a digit (web-1, db-prod, i-0abc)."""
    return "-" in word or any(c.isdigit() for c in word)


def _labels(db: Database, ids: list[int]) -> dict[int, str]:
    """Incident -> the label values of its first alert (instance names, job names...)."""
    if not ids:
        return {}
    query = select(AlertRow.incident_id, AlertRow.labels_json).where(
        col(AlertRow.incident_id).in_(ids)
    )
    found: dict[int, str] = {}
    with db.session() as session:
        for incident_id, labels in session.exec(query.order_by(col(AlertRow.id))):
            if incident_id is not None and incident_id not in found:
                found[incident_id] = labels[:1000]
    return found
